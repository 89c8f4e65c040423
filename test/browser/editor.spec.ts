/**
 * The editor in a real browser (Debian's chromium via playwright-core) against
 * a real Node-RED process with every example flow imported and a Sandbox
 * behind the example accounts. Data-driven from package.json `node-red.nodes`
 * and `examples/`, so nodes added later are covered without touching this file.
 * Screenshots of each dialog go to docs/screenshots/.
 */
import assert from 'assert';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Browser, Page } from 'playwright-core';
import { Sandbox } from '../../sandbox/server';
import { makeUserDir, startNodeRed, NodeRedProcess } from '../support/process';
import { chromiumInstalled, CHROMIUM, launch, openEditor, openDialog, closeDialog, screenshotDialog, showHelp, EditorPage } from './editor';
import { helpOutline } from '../support/help-outline';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const RED: any;
declare const $: any;
declare const i18next: any;

const root = path.resolve(__dirname, '..', '..', '..');
// `npm run screenshots` refreshes the pictures in docs/; a plain test run
// keeps them in a temporary folder so it never dirties the working tree.
const shots = process.env.FULFILLMENT_SCREENSHOTS === 'docs' ? path.join(root, 'docs', 'screenshots') : path.join(os.tmpdir(), 'fulfillment-screenshots');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } };
const types = Object.keys(pkg['node-red'].nodes);
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { SANDBOX_CREDENTIALS, SANDBOX_CALLBACK_SECRET } = require(path.join(root, 'scripts', 'userdir.js')) as {
  SANDBOX_CREDENTIALS: Record<string, Record<string, string>>;
  SANDBOX_CALLBACK_SECRET: string;
};

interface FlowNode {
  id: string;
  type: string;
  z?: string;
  name?: string;
  provider?: string;
  account?: string;
  wires?: string[][];
  [k: string]: unknown;
}

function readExamples(): FlowNode[] {
  const dir = path.join(root, 'examples');
  const out: FlowNode[] = [];
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) out.push(...(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as FlowNode[]));
  return out;
}

const examples = readExamples();
const ours = examples.filter((n) => types.includes(n.type));
const ACCOUNT = 'fulfillment-account';
/** Config nodes: not in the palette, and their help has no Inputs or Outputs. */
const CONFIG_TYPES = [ACCOUNT, 'fulfillment-shared-state'];
const SHARED_STATE_ID = 'browser-shared-state';

/** What the account dialog must show per provider (rows of the dialog). */
const ACCOUNT_FIELDS: Record<string, string[]> = {
  planviewer: ['apiKey', 'apiSecret'],
  postgreen: ['username', 'password'],
  probo: ['apiKey', 'testMode', 'authScheme'],
  delivergo: ['apiKey', 'apiSecret', 'portalNamespace', 'customerGuid', 'format'],
  arri: ['accessToken', 'username', 'password'],
};
const ALL_ACCOUNT_FIELDS = [...new Set(Object.values(ACCOUNT_FIELDS).flat())];

describe('editor in a real browser (chromium)', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let red: NodeRedProcess | undefined;
  let browser: Browser | undefined;
  let editor: EditorPage;
  let page: Page;

  before(async function () {
    if (!chromiumInstalled()) {
      console.log(`    (skipped: ${CHROMIUM} is not installed; .ci/run installs Debian's chromium)`);
      this.skip();
    }
    sandbox = new Sandbox();
    await sandbox.start();
    // The examples point at the sandbox `npm start` runs; point them at this one.
    const flows = JSON.parse(JSON.stringify(examples).split('http://127.0.0.1:1881').join(sandbox.url)) as FlowNode[];
    const creds: Record<string, Record<string, string>> = {};
    for (const n of flows) {
      if (n.type === ACCOUNT && n.provider && SANDBOX_CREDENTIALS[n.provider]) creds[n.id] = SANDBOX_CREDENTIALS[n.provider];
      if (n.type === 'fulfillment-callback') creds[n.id] = { secret: SANDBOX_CALLBACK_SECRET };
    }
    // A shared state nobody uses (it connects only when a node needs it): for its dialog.
    flows.push({ id: SHARED_STATE_ID, type: 'fulfillment-shared-state', url: 'redis://127.0.0.1:6379' } as FlowNode);
    const userDir = makeUserDir(flows, creds);
    // No flow-library catalogue: the browser stays on loopback. ACE instead of
    // Monaco: no dialog here has a code editor, and Monaco triples the load time.
    fs.appendFileSync(
      path.join(userDir, 'settings.js'),
      'module.exports.editorTheme = Object.assign({}, module.exports.editorTheme, { palette: { catalogues: [] }, codeEditor: { lib: "ace" } });\n',
    );
    red = await startNodeRed(userDir);
    browser = await launch();
    editor = await openEditor(browser, red.url);
    page = editor.page;
    fs.mkdirSync(shots, { recursive: true });
    assert.deepStrictEqual(editor.takeErrors(), [], 'no console error while the editor loads');
  });

  after(async () => {
    await browser?.close();
    await red?.stop();
    await sandbox?.stop();
  });

  /** Every test ends with this: any console error or page error fails it. */
  function noBrowserErrors(): void {
    assert.deepStrictEqual(editor.takeErrors(), [], 'no browser console error or page error');
  }

  /** Opens a dialog, sets one input, presses Done; reports what the editor made of it. */
  async function setAndSave(id: string, field: string, value: string) {
    const kind = await openDialog(page, id);
    const inputError = await page.evaluate(
      ([f, v]: [string, string]) => {
        const input = $('#node-input-' + f);
        input.val(v).trigger('change');
        return input.hasClass('input-error');
      },
      [field, value] as [string, string],
    );
    await closeDialog(page, kind, 'ok');
    const node = await page.evaluate((nid: string) => {
      const n = RED.nodes.node(nid);
      return { valid: n.valid as boolean, errors: (n.validationErrors || []) as string[] };
    }, id);
    return { inputError, ...node };
  }

  afterEach(async function () {
    // A failed browser test leaves a picture of the editor for whoever reads the log.
    if (this.currentTest?.state === 'failed' && page) {
      const file = path.join(os.tmpdir(), `editor-failure-${Date.now()}.png`);
      await page.screenshot({ path: file }).catch(() => undefined);
      console.log(`    screenshot of the failure: ${file}`);
    }
  });

  it('registers every node of package.json; the palette shows each non-config node under "fulfillment"', async () => {
    const seen = await page.evaluate((list: string[]) => {
      return list.map((t) => {
        const def = RED.nodes.getType(t);
        const entry = $('#red-ui-palette-container-fulfillment .red-ui-palette-node[data-palette-type="' + t + '"]');
        return { type: t, category: def ? def.category : null, inPalette: entry.length === 1, label: entry.find('.red-ui-palette-label').text().trim() };
      });
    }, types);
    noBrowserErrors();
    for (const s of seen) {
      if (CONFIG_TYPES.includes(s.type)) {
        assert.strictEqual(s.category, 'config', `${s.type} is a config node`);
        continue;
      }
      assert.strictEqual(s.category, 'fulfillment', `${s.type}: category`);
      assert.ok(s.inPalette, `${s.type}: in the fulfillment palette`);
      assert.ok(s.label && !s.label.startsWith('fulfillment-') && !/\./.test(s.label), `${s.type}: a short palette label, not a catalog key (${s.label})`);
    }
  });

  describe('each example node', () => {
    const first = new Set<string>();
    for (const n of ours) {
      const screenshot = !first.has(n.type);
      first.add(n.type);
      it(`${n.type} "${n.id}": the dialog opens without a browser error${screenshot ? ' (screenshot)' : ''}`, async () => {
        const kind = await openDialog(page, n.id);
        if (screenshot) await screenshotDialog(page, path.join(shots, `${n.type}.png`));
        await closeDialog(page, kind, 'cancel');
        noBrowserErrors();
        const state = await page.evaluate((id: string) => ({ valid: RED.nodes.node(id).valid, errors: RED.nodes.node(id).validationErrors }), n.id);
        assert.strictEqual(state.valid, true, `the example node is valid as shipped: ${JSON.stringify(state.errors)}`);
      });
    }
  });

  describe('help sidebar', () => {
    for (const t of types) {
      it(`${t}: renders its help`, async () => {
        const help = await showHelp(page, t);
        assert.ok(help.text.length > 80, `${t}: help text (${help.text.slice(0, 60)})`);
        assert.doesNotMatch(help.text, /^None$|no information available/i);
        if (!CONFIG_TYPES.includes(t)) {
          assert.ok(help.headings.includes('Inputs') || help.headings.includes('Outputs'), `${t}: Inputs/Outputs headings, got ${help.headings.join(', ')}`);
        }
        noBrowserErrors();
      });
    }
  });

  describe('account dialog', () => {
    it('shows the credential fields of the chosen provider only', async () => {
      const account = ours.find((n) => n.type === ACCOUNT);
      assert.ok(account, 'an example has an account');
      const kind = await openDialog(page, account.id);
      for (const [provider, fields] of Object.entries(ACCOUNT_FIELDS)) {
        const visible = await page.evaluate(
          ([p, all]: [string, string[]]) => {
            $('#node-config-input-provider').val(p).trigger('change');
            return all.filter((f) => $('#fulfillment-account-row-' + f).is(':visible'));
          },
          [provider, ALL_ACCOUNT_FIELDS] as [string, string[]],
        );
        assert.deepStrictEqual(visible.sort(), [...fields].sort(), `${provider}: visible fields`);
        await screenshotDialog(page, path.join(shots, `${ACCOUNT}-${provider}.png`));
      }
      await closeDialog(page, kind, 'cancel');
      const provider = await page.evaluate((id: string) => RED.nodes.node(id).provider, account.id);
      assert.strictEqual(provider, account.provider, 'cancel leaves the account as it was');
      noBrowserErrors();
    });
  });

  describe('shared state dialog', () => {
    async function saveUrl(url: string): Promise<{ inputError: boolean; valid: boolean; errors: string[] }> {
      const kind = await openDialog(page, SHARED_STATE_ID);
      const inputError = await page.evaluate((v: string) => $('#node-config-input-url').val(v).trigger('change').hasClass('input-error'), url);
      await closeDialog(page, kind, 'ok');
      const node = await page.evaluate((id: string) => ({ valid: RED.nodes.node(id).valid as boolean, errors: (RED.nodes.node(id).validationErrors || []) as string[] }), SHARED_STATE_ID);
      return { inputError, ...node };
    }

    it('opens; refuses a password written into the URL with a reason; accepts ${REDIS_URL}; the account offers it', async () => {
      const kind = await openDialog(page, SHARED_STATE_ID);
      await screenshotDialog(page, path.join(shots, 'fulfillment-shared-state.png'));
      const fields = await page.evaluate(() => ['url', 'password', 'prefix'].filter((f) => $('#node-config-input-' + f).is(':visible')));
      assert.deepStrictEqual(fields, ['url', 'password', 'prefix']);
      assert.strictEqual(await page.evaluate(() => $('#node-config-input-password').attr('type')), 'password');
      await closeDialog(page, kind, 'cancel');
      const bad = await saveUrl('redis://app:hunter2@cache:6379');
      assert.strictEqual(bad.valid, false);
      assert.ok(bad.inputError, 'the URL is outlined red');
      assert.ok(bad.errors.some((e) => /Password field/.test(e)), bad.errors.join('; '));
      const env = await saveUrl('${REDIS_URL}');
      assert.strictEqual(env.valid, true, env.errors.join('; '));
      const label = await page.evaluate((id: string) => RED.nodes.node(id)._def.label.call(RED.nodes.node(id)), SHARED_STATE_ID);
      assert.strictEqual(label, '${REDIS_URL}');
      const account = ours.find((n) => n.type === ACCOUNT);
      assert.ok(account);
      const accountKind = await openDialog(page, account.id);
      const offered = await page.evaluate((id: string) => $('#node-config-input-sharedState option').toArray().some((o: { value: string }) => o.value === id), SHARED_STATE_ID);
      await closeDialog(page, accountKind, 'cancel');
      assert.ok(offered, 'the account dialog offers the shared state');
      noBrowserErrors();
    });
  });

  describe('validation', () => {
    it('refuses an invalid value: a node without an account turns invalid, with a reason, until it is fixed', async () => {
      // One node of each type: the validator belongs to the type.
    const withAccount = ours.filter((n, i) => n.type !== ACCOUNT && typeof n.account === 'string' && ours.findIndex((m) => m.type === n.type) === i);
      assert.ok(withAccount.length > 0);
      for (const n of withAccount) {
        const bad = await setAndSave(n.id, 'account', '_ADD_');
        assert.strictEqual(bad.valid, false, `${n.type}: invalid without an account`);
        assert.ok(bad.inputError, `${n.type}: the account input is outlined red`);
        assert.ok(bad.errors.some((e) => /account/i.test(e)), `${n.type}: the reason names the account: ${bad.errors.join('; ')}`);
        const good = await setAndSave(n.id, 'account', n.account as string);
        assert.strictEqual(good.valid, true, `${n.type}: valid again: ${good.errors.join('; ')}`);
      }
      noBrowserErrors();
    });

    it('refuses an account whose provider cannot do what the node does (retrieve result with a non-Planviewer account)', async function () {
      const retrieve = ours.find((n) => n.type === 'fulfillment-retrieve-result');
      const other = ours.find((n) => n.type === ACCOUNT && n.provider !== 'planviewer');
      if (!retrieve || !other) return this.skip();
      const bad = await setAndSave(retrieve.id, 'account', other.id);
      try {
        assert.strictEqual(bad.valid, false);
        assert.ok(bad.errors.some((e) => e.includes(`(${other.provider}) cannot`)), bad.errors.join('; '));
      } finally {
        await setAndSave(retrieve.id, 'account', retrieve.account as string);
      }
      noBrowserErrors();
    });

    it('refuses an invalid value: place order with a repeat guard of "abc"', async function () {
      const order = ours.find((n) => n.type === 'fulfillment-place-order');
      if (!order) return this.skip();
      const bad = await setAndSave(order.id, 'dedupeWindow', 'abc');
      try {
        assert.strictEqual(bad.valid, false);
        assert.ok(bad.inputError, 'the input is outlined red');
        assert.ok(bad.errors.some((e) => /repeat guard/i.test(e)), `the reason names the field: ${bad.errors.join('; ')}`);
        await page.screenshot({ path: path.join(shots, 'invalid-node.png'), clip: { x: 180, y: 80, width: 780, height: 260 } });
      } finally {
        await setAndSave(order.id, 'dedupeWindow', String(order.dedupeWindow ?? 5));
      }
      const good = await page.evaluate((id: string) => ({ valid: RED.nodes.node(id).valid as boolean, errors: (RED.nodes.node(id).validationErrors || []) as string[] }), order.id);
      assert.strictEqual(good.valid, true, good.errors.join('; '));
      noBrowserErrors();
    });
  });

  describe('deploy and run', () => {
    it('deploys, and the Planviewer example\'s inject button ends in "PDF written" with a .pdf file name in the debug sidebar', async function () {
      const inject = examples.find((n) => n.type === 'inject' && n.z === 'pv_tab' && (n.wires ?? []).flat().some((w) => examples.find((x) => x.id === w)?.type === 'fulfillment-place-order'));
      if (!inject) return this.skip();
      // A real change to deploy: poll the example's job every second.
      const poll = examples.find((n) => n.type === 'fulfillment-poll-status' && n.z === inject.z);
      if (poll) assert.strictEqual((await setAndSave(poll.id, 'interval', '1')).valid, true);
      await page.evaluate(() => RED.sidebar.show('debug'));
      assert.strictEqual(await page.evaluate(() => RED.nodes.dirty()), true, 'something to deploy');
      await page.click('#red-ui-header-button-deploy');
      await page.waitForFunction(() => !RED.nodes.dirty(), null, { timeout: 15_000 });
      await page.evaluate((z: string) => RED.workspaces.show(z), inject.z as string);
      await page.locator(`[id="${inject.id}"] .red-ui-flow-node-button-button`).click();
      const msg = page.locator('.red-ui-debug-msg', { has: page.locator('.red-ui-debug-msg-name', { hasText: 'PDF written' }) }).first();
      await msg.waitFor({ state: 'visible', timeout: 40_000 });
      // Expand the message the way a user does, to see its properties in full.
      await msg.locator('.red-ui-debug-msg-object-header').first().click();
      const filename = msg.locator('.red-ui-debug-msg-object-entry', { has: page.locator('.red-ui-debug-msg-object-key', { hasText: /^filename$/ }) }).first();
      await filename.waitFor({ state: 'visible' });
      assert.match(await filename.innerText(), /filename:\s*"[^"/]+\.pdf"/);
      // The whole example in the picture: a wider window, the message in view.
      await page.setViewportSize({ width: 1720, height: 640 });
      await msg.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(shots, 'planviewer-flow.png') });
      await page.setViewportSize({ width: 1280, height: 760 });
      assert.strictEqual(sandbox.count('/planviewer/product_api/v1/jobs/order'), 1, 'one order reached the provider');
      noBrowserErrors();
    });

    it('"Test connection" on each deployed example account reaches its provider (the sandbox)', async () => {
      const accounts = ours.filter((n) => n.type === ACCOUNT);
      for (const account of accounts) {
        const kind = await openDialog(page, account.id);
        await page.click('#fulfillment-account-test');
        const result = page.locator('#fulfillment-account-test-result');
        await page.waitForFunction(() => /^[✔✖]/.test($('#fulfillment-account-test-result').text()), null, { timeout: 15_000 });
        const text = (await result.innerText()).trim();
        if (account.provider === 'planviewer') await screenshotDialog(page, path.join(shots, 'fulfillment-account-test.png'));
        await closeDialog(page, kind, 'cancel');
        assert.match(text, /^✔/, `${account.id} (${account.provider}): ${text}`);
      }
      noBrowserErrors();
    });
  });

  describe('languages', () => {
    /** A string of a node's catalog in one language; undefined when that catalog lacks it. */
    function catalogString(node: string, lang: string, key: string): string | undefined {
      const file = path.join(root, 'nodes', node, 'locales', lang, `${node}.json`);
      if (!fs.existsSync(file)) return undefined;
      let v: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
      for (const k of key.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
      return typeof v === 'string' ? v : undefined;
    }
    const checks = [
      { node: 'account', type: ACCOUNT, key: 'account.label.provider', input: 'node-config-input-provider' },
      { node: 'place-order', type: 'fulfillment-place-order', key: 'place-order.label.dedupeWindow', input: 'node-input-dedupeWindow' },
      { node: 'poll-status', type: 'fulfillment-poll-status', key: 'poll-status.label.maxWait', input: 'node-input-maxWait' },
      { node: 'retrieve-result', type: 'fulfillment-retrieve-result', key: 'retrieve-result.label.output', input: 'node-input-output' },
    ];
    /** The help file of a node type in one language, as the package ships it. */
    function helpFileOutline(type: string, lang: string) {
      const node = path.basename(path.dirname(pkg['node-red'].nodes[type]));
      return helpOutline(fs.readFileSync(path.join(root, 'nodes', node, 'locales', lang, `${node}.html`), 'utf8'));
    }
    const squeeze = (text: string): string => text.replace(/\s+/g, '');
    // es-ES: Node-RED's editor speaks it, this package does not: English it is.
    for (const [locale, lang] of [['de-DE', 'de'], ['nl-NL', 'nl'], ['fr-FR', 'fr'], ['es-ES', 'es-ES']]) {
      it(`${locale}: the dialogs and every node's help speak ${catalogString('account', lang, 'account.label.provider') ? lang : 'English (fallback)'}`, async () => {
        const other = await openEditor(browser as Browser, (red as NodeRedProcess).url, locale);
        try {
          // German gets every dialog (and pictures); the others the account.
          for (const c of lang === 'de' ? checks : checks.slice(0, 1)) {
            const example = ours.find((n) => n.type === c.type);
            if (!example) continue;
            const expected = catalogString(c.node, lang, c.key) ?? catalogString(c.node, 'en-US', c.key);
            const kind = await openDialog(other.page, example.id);
            const label = await other.page.evaluate((id: string) => $('label[for="' + id + '"] span').first().text().trim(), c.input);
            if (lang === 'de') await screenshotDialog(other.page, path.join(shots, `${c.type}-de.png`));
            await closeDialog(other.page, kind, 'cancel');
            assert.strictEqual(label, expected, `${c.type} in ${locale}`);
          }
          // Every node's help in the sidebar comes from locales/<lang>/ (English where the package lacks the language).
          const helpLang = fs.existsSync(path.join(root, 'nodes', 'account', 'locales', lang)) ? lang : 'en-US';
          for (const t of types) {
            const file = helpFileOutline(t, helpLang);
            const shown = await showHelp(other.page, t);
            assert.deepStrictEqual(shown.headings, file.sections.map((s) => s.heading), `${t}: help sections in ${locale}`);
            assert.ok(squeeze(shown.text).startsWith(squeeze(file.summary).slice(0, 40)), `${t}: help summary in ${helpLang}: ${shown.text.slice(0, 80)}`);
          }
          if (lang === 'de') {
            // A string the German catalog lacks shows in English: take one out of the loaded catalog and ask for it.
            const shown = await other.page.evaluate(() => {
              const ns = 'node-red-contrib-fulfillment/fulfillment-place-order';
              const data = i18next.store.data;
              const langs = Object.keys(data).filter((l) => l !== 'en-US' && data[l][ns]);
              if (langs.length === 0 || !data['en-US'] || !data['en-US'][ns]) return `no catalogs loaded: ${Object.keys(data).join(', ')}`;
              for (const l of langs) delete data[l][ns]['place-order'].label.seconds;
              return RED._(ns + ':place-order.label.seconds');
            });
            assert.strictEqual(shown, catalogString('place-order', 'en-US', 'place-order.label.seconds'), 'falls back to English');
          }
          assert.deepStrictEqual(other.takeErrors(), []);
        } finally {
          await other.context.close();
        }
      });
    }
  });
});
