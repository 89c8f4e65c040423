/**
 * The editor in a real browser (Debian's chromium via playwright-core) against
 * a real Node-RED process with every example flow imported and a Sandbox
 * behind the example accounts, plus a provider registered from settings.js
 * (a dummy, as a separate package would) that no editor file knows.
 * Data-driven from package.json `node-red.nodes`, `examples/` and the
 * descriptors, so nodes and providers added later are covered without
 * touching this file. Screenshots of each dialog go to docs/screenshots/
 * (`npm run screenshots`).
 */
import assert from 'assert';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Browser, Page } from 'playwright-core';
import { Sandbox } from '../../sandbox/server';
import { PLANVIEWER_TEST_UUIDS as T } from '../../sandbox/providers/planviewer';
import { providerInfos } from '../../nodes/providers';
import { ProviderInfo } from '../../nodes/core/descriptor';
import { makeUserDir, startNodeRed, NodeRedProcess } from '../support/process';
import { helpOutline } from '../support/help-outline';
import { DEFAULT_MAX_RESPONSE_MB } from '../../nodes/runtime/account-settings';
import { chromiumInstalled, CHROMIUM, launch, openEditor, openDialog, openNewConfig, closeDialog, screenshotDialog, showHelp, dialogTexts, overflowingLabels, cutOffSelects, tabLayoutProblems, EditorPage } from './editor';

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
  label?: string;
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
const LANGS: Array<[string, 'en-US' | 'de' | 'nl' | 'fr']> = [['en-US', 'en-US'], ['de-DE', 'de'], ['nl-NL', 'nl'], ['fr-FR', 'fr']];
const PKG = 'node-red-contrib-fulfillment';

/** A provider no editor file knows: registered from settings.js, before the nodes load. */
const L = (en: string, de: string, nl: string, fr: string) => ({ 'en-US': en, de, nl, fr });
const DUMMY: ProviderInfo = {
  name: 'dummyprint',
  label: 'Dummy Print',
  defaultBaseUrl: 'https://api.dummy-print.example',
  baseUrlHint: L('Your print portal address', 'Die Adresse Ihres Druckportals', 'Het adres van uw drukportaal', "L'adresse de votre portail d'impression"),
  sandboxPath: '/dummy',
  guide: 'docs/dummy.md',
  credentials: [
    { key: 'apiKey', secret: true, label: L('Dummy key', 'Dummy-Schlüssel', 'Dummy-sleutel', 'Clé factice') },
    { key: 'username', secret: false, label: L('Shop user', 'Shop-Benutzer', 'Winkelgebruiker', 'Utilisateur boutique') },
  ],
  credentialSets: [['apiKey'], ['username']],
  settings: [
    { key: 'shopId', type: 'text', required: true, default: '', label: L('Shop id', 'Shop-ID', 'Winkel-id', 'Identifiant boutique') },
    {
      key: 'region',
      type: 'select',
      default: 'eu',
      label: L('Region', 'Region', 'Regio', 'Région'),
      options: [
        { value: 'eu', label: L('Europe', 'Europa', 'Europa', 'Europe') },
        { value: 'us', label: L('United States', 'Vereinigte Staaten', 'Verenigde Staten', 'États-Unis') },
      ],
    },
    { key: 'copies', type: 'number', default: 1, min: 1, max: 10, label: L('Copies', 'Exemplare', 'Exemplaren', 'Exemplaires') },
    { key: 'proof', type: 'checkbox', default: true, label: L('Proof first', 'Erst Probedruck', 'Eerst proefdruk', "Épreuve d'abord"), hint: L('send a proof before printing', 'vor dem Druck einen Probedruck senden', 'eerst een proefdruk sturen', "envoyer une épreuve avant l'impression") },
  ],
  capabilities: {
    order: true,
    result: false,
    status: [{ name: 'parcel', label: L('parcel', 'Paket', 'pakket', 'colis'), defaultIntervalMs: 42_000 }],
    callback: [{ name: 'ping', label: L('ping', 'Ping-Signal', 'pingsignaal', 'signal ping') }],
    operations: [],
    nodes: [],
  },
};
// Its client: a Test connection answer that shows which dialog values reached the runtime.
const DUMMY_CREATE = `(s) => ({ provider: 'dummyprint', client: {}, close: async () => undefined, capabilities: {
  probe: async () => 'dummyprint: shop ' + s.options.shopId + ', region ' + s.options.region + ', ' + (s.credentials.apiKey ? 'key of ' + s.credentials.apiKey.length + ' characters' : 'no key') } })`;
const PROVIDERS: ProviderInfo[] = [...providerInfos(), DUMMY];

/** Test-only tab: nodes on the dummy provider's account, and an error no Catch node catches. */
const TEST_TAB = 'x_tab';
function testFlows(sandboxUrl: string): FlowNode[] {
  return [
    { id: TEST_TAB, type: 'tab', label: 'test: dummy provider, uncaught error' },
    { id: 'x_dummy', type: ACCOUNT, provider: 'dummyprint', baseUrl: '', shopId: 'S-1', region: 'eu', copies: 1, proof: true },
    { id: 'x_poll', type: 'fulfillment-poll-status', z: TEST_TAB, x: 300, y: 60, account: 'x_dummy', wires: [[], [], []] },
    { id: 'x_callback', type: 'fulfillment-callback', z: TEST_TAB, x: 300, y: 120, account: 'x_dummy', path: 'dummy', publicUrl: 'http://127.0.0.1:1880', wires: [[]] },
    { id: 'x_pv', type: ACCOUNT, provider: 'planviewer', baseUrl: `${sandboxUrl}/planviewer`, timeout: 5000 },
    {
      id: 'x_inject', type: 'inject', z: TEST_TAB, x: 130, y: 200, name: 'order without payment', props: [{ p: 'payload' }], repeat: '', crontab: '', once: false, onceDelay: 0.1,
      topic: '', payload: JSON.stringify([T.paymentRequired]), payloadType: 'json', wires: [['x_order']],
    },
    { id: 'x_order', type: 'fulfillment-place-order', z: TEST_TAB, x: 360, y: 200, account: 'x_pv', dedupeWindow: 0, wires: [[]] },
  ];
}

/** A string of a catalog file (`nodes/<node>/locales/<lang>/<node>.json`); undefined when it lacks the key. */
function catalogString(node: string, lang: string, key: string): string | undefined {
  const file = path.join(root, 'nodes', node, 'locales', lang, `${node}.json`);
  if (!fs.existsSync(file)) return undefined;
  let v: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const k of key.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return typeof v === 'string' ? v : undefined;
}
/** What a data-i18n key of this package resolves to in `lang` (English where the catalog lacks it); undefined for Node-RED's own keys. */
function expectedText(i18n: string, lang: string): { attr: string; text: string } | undefined {
  const m = /^(?:\[(\w+)\])?node-red-contrib-fulfillment\/fulfillment-([\w-]+):([\w.-]+)$/.exec(i18n);
  if (!m) return undefined;
  const [, attr = 'text', node, key] = m;
  const text = catalogString(node, lang, key) ?? catalogString(node, 'en-US', key);
  if (text === undefined) throw new Error(`${i18n}: no such key in ${node}'s catalog`);
  return { attr, text };
}
const squeeze = (text: string): string => text.replace(/\s+/g, '');

/**
 * Presses an inject node whose place order has no Catch node (HTTP 402 from
 * the sandbox), and unfolds the error in the debug sidebar the way a user
 * does: its cause must be an object with the details, not "[object Object]".
 */
async function uncaughtError(page: Page, tab: string, inject: string, order: string) {
  await page.evaluate((z: string) => {
    RED.sidebar.show('debug');
    RED.workspaces.show(z);
  }, tab);
  await page.locator(`[id="${inject}"] .red-ui-flow-node-button-button`).click();
  const msg = page.locator('.red-ui-debug-msg.red-ui-debug-msg-level-20').filter({ hasText: `node: ${order}` }).first();
  await msg.waitFor({ state: 'visible', timeout: 15_000 });
  await msg.locator('.red-ui-debug-msg-object-header').first().click();
  const entry = (scope: typeof msg, key: string) => scope.locator('.red-ui-debug-msg-object-entry', { has: page.locator('.red-ui-debug-msg-object-key', { hasText: new RegExp(`^${key}$`) }) }).first();
  const cause = entry(msg, 'cause');
  await cause.waitFor({ state: 'visible' });
  assert.doesNotMatch(await cause.innerText(), /\[object Object\]/);
  // A nested object unfolds with its caret.
  await cause.locator('.red-ui-debug-msg-object-handle').first().click();
  const status = entry(cause, 'status');
  await status.waitFor({ state: 'visible' });
  assert.match(await status.innerText(), /status:\s*402/);
  assert.match(await entry(cause, 'provider').innerText(), /provider:\s*"planviewer"/);
  assert.match(await entry(msg, 'code').innerText(), /code:\s*"http"/);
  // A long text is shortened until it is unfolded too.
  const message = entry(msg, 'message');
  if ((await message.locator('.red-ui-debug-msg-object-handle').count()) > 0) await message.locator('.red-ui-debug-msg-object-handle').first().click();
  await page.waitForFunction((el: any) => /HTTP 402/.test(el.innerText), await message.elementHandle(), { timeout: 5000 });
  await msg.scrollIntoViewIfNeeded();
  return msg;
}

describe('editor in a real browser (chromium)', function () {
  this.timeout(90_000);
  let sandbox: Sandbox;
  let red: NodeRedProcess | undefined;
  let browser: Browser | undefined;
  let editor: EditorPage;
  let page: Page;
  const typedSecrets = ['typed-key-7f3a91', 'typed-secret-5c2e07', 'dummy-key-0b6d44'];

  before(async function () {
    if (!chromiumInstalled()) {
      console.log(`    (skipped: ${CHROMIUM} is not installed; .ci/run installs Debian's chromium)`);
      this.skip();
    }
    sandbox = new Sandbox();
    await sandbox.start();
    // The examples point at the sandbox `npm start` runs; point them at this one.
    const flows = JSON.parse(JSON.stringify(examples).split('http://127.0.0.1:1881').join(sandbox.url)) as FlowNode[];
    flows.push(...testFlows(sandbox.url));
    const creds: Record<string, Record<string, string>> = {};
    for (const n of flows) {
      if (n.type === ACCOUNT && n.provider && SANDBOX_CREDENTIALS[n.provider]) creds[n.id] = SANDBOX_CREDENTIALS[n.provider];
      if (n.type === 'fulfillment-callback') creds[n.id] = { secret: SANDBOX_CALLBACK_SECRET };
    }
    const { create: _c, ...dummyInfo } = DUMMY as ProviderInfo & { create?: unknown };
    void _c;
    const providers = JSON.stringify(path.join(root, 'dist', 'nodes', 'providers', 'index.js'));
    const register = `_dummyProvider: require(${providers}).registerProvider(Object.assign(${JSON.stringify(dummyInfo)}, { create: ${DUMMY_CREATE} })),`;
    // A shared state nobody uses (it connects only when a node needs it): for its dialog.
    flows.push({ id: SHARED_STATE_ID, type: 'fulfillment-shared-state', url: 'redis://127.0.0.1:6379' } as FlowNode);
    const userDir = makeUserDir(flows, creds, undefined, register);
    // No flow-library catalogue: the browser stays on loopback. ACE instead of
    // Monaco: no dialog here has a code editor, and Monaco triples the load time.
    fs.appendFileSync(
      path.join(userDir, 'settings.js'),
      'module.exports.editorTheme = Object.assign({}, module.exports.editorTheme, { palette: { catalogues: [] }, codeEditor: { lib: "ace" } });\n' +
        // Two context stores, as `npm start` has: the dialogs list them.
        'module.exports.contextStorage = { default: { module: "localfilesystem" }, memory: { module: "memory" } };\n',
    );
    // As `npm start` on another SANDBOX_PORT: "use the sandbox" must fill in this sandbox's address.
    red = await startNodeRed(userDir, undefined, undefined, { SANDBOX_PORT: new URL(sandbox.url).port });
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
        if (input.data('noderedTypedInput')) input.typedInput('value', v);
        else input.val(v);
        input.trigger('change');
        const shown = input.data('noderedTypedInput') ? input.parent().parent() : input;
        return shown.hasClass('input-error');
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
      // Leave no dialog open for the next test.
      for (let i = 0; i < 4; i++) {
        const open = await page.evaluate(() => $('.red-ui-tray').length).catch(() => 0);
        if (!open) break;
        await page.evaluate(() => $('#node-config-dialog-cancel:visible, #node-dialog-cancel:visible').last().click()).catch(() => undefined);
        await page.waitForTimeout(300);
      }
      editor.takeErrors();
    }
  });

  it('registers every node of package.json; the palette shows each non-config node under "fulfillment" with its short name', async () => {
    const seen = await page.evaluate((list: string[]) => {
      return list.map((t) => {
        const def = RED.nodes.getType(t);
        const entry = $('#red-ui-palette-container-fulfillment .red-ui-palette-node[data-palette-type="' + t + '"]');
        return { type: t, category: def ? def.category : null, inPalette: entry.length === 1, label: entry.find('.red-ui-palette-label').text().replace(/\s+/g, ' ').trim() };
      });
    }, types);
    noBrowserErrors();
    for (const s of seen) {
      if (CONFIG_TYPES.includes(s.type)) {
        assert.strictEqual(s.category, 'config', `${s.type} is a config node`);
        continue;
      }
      const node = path.basename(path.dirname(pkg['node-red'].nodes[s.type]));
      assert.strictEqual(s.category, 'fulfillment', `${s.type}: category`);
      assert.ok(s.inPalette, `${s.type}: in the fulfillment palette`);
      // The palette breaks long labels into lines: compare without the breaks.
      assert.strictEqual(squeeze(s.label), squeeze(catalogString(node, 'en-US', `${node}.paletteLabel`) ?? ''), `${s.type}: palette label`);
    }
  });

  it('loads the toolkit once, before the editors that use it, and its style', async () => {
    const state = await page.evaluate(() => ({
      toolkit: typeof (globalThis as any).FulfillmentEditor,
      style: $('link[data-fulfillment-style]').length,
      styled: $('link[data-fulfillment-style]')[0] && ($('link[data-fulfillment-style]')[0] as any).sheet !== null,
    }));
    assert.deepStrictEqual(state, { toolkit: 'object', style: 1, styled: true });
    noBrowserErrors();
  });

  it('a new callback node starts from the address the editor is served from, not from a fixed port', async () => {
    const state = await page.evaluate(() => ({ value: RED.nodes.getType('fulfillment-callback').defaults.publicUrl.value, origin: (globalThis as any).location.origin as string }));
    assert.strictEqual(state.value, state.origin);
    assert.notStrictEqual(new URL(state.origin).port, '1880', 'the suite serves the editor elsewhere, so the check can fail');
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

    it('the context-store list shows "default" once', async () => {
      const order = ours.find((n) => n.type === 'fulfillment-place-order');
      assert.ok(order);
      const kind = await openDialog(page, order.id);
      const options = await page.evaluate(() => $('#node-input-contextStore option').map((_i: number, o: unknown) => ({ value: $(o).val(), text: $(o).text() })).get());
      await closeDialog(page, kind, 'cancel');
      const stores = await page.evaluate(() => (RED.settings.context && RED.settings.context.stores) || []);
      assert.ok(stores.length >= 2, `the test runtime has several stores: ${stores.join(', ')}`);
      assert.strictEqual(options.filter((o: { text: string }) => /default/i.test(o.text)).length, 1, JSON.stringify(options));
      assert.strictEqual(options[0].value, '');
      noBrowserErrors();
    });
  });

  describe('providers come from the descriptors', () => {
    /** The account dialog's visible credential and setting rows, as the user reads them. */
    async function accountRows(p: Page, provider: string) {
      return p.evaluate((name: string) => {
        $('#node-config-input-provider').val(name).trigger('change');
        const rows = $('.fulfillment-credential:visible, .fulfillment-setting:visible')
          .map((_i: number, r: unknown) => {
            const row = $(r);
            const input = row.find('input, select').first();
            return {
              key: row.attr('data-key'),
              label: row.find('label span').text().trim(),
              type: input.is('select') ? 'select' : input.attr('type'),
              options: row.find('option').map((_j: number, o: unknown) => $(o).text()).get(),
            };
          })
          .get();
        return { rows, placeholder: $('#node-config-input-baseUrl').attr('placeholder'), hint: $('#fulfillment-account-base-hint:visible').text().trim() };
      }, provider);
    }

    it('the account dialog offers every provider and draws each one\'s fields from its descriptor (the dummy provider too, with no editor change)', async () => {
      const account = ours.find((n) => n.type === ACCOUNT);
      assert.ok(account, 'an example has an account');
      const kind = await openDialog(page, account.id);
      const offered = await page.evaluate(() => $('#node-config-input-provider option').map((_i: number, o: unknown) => $(o).val()).get());
      assert.deepStrictEqual(offered, PROVIDERS.map((p) => p.name));
      for (const p of PROVIDERS) {
        const shown = await accountRows(page, p.name);
        // For the picture: an account of that provider on the sandbox.
        await page.evaluate(() => {
          $('#node-config-input-name').val('');
          $('#fulfillment-account-use-sandbox').trigger('click');
        });
        const expected = [
          ...p.credentials.map((c) => ({ key: c.key, label: c.label['en-US'], type: c.secret ? 'password' : 'text', options: [] as string[] })),
          ...p.settings.map((f) => ({
            key: f.key,
            label: f.label['en-US'],
            type: f.type === 'select' ? 'select' : f.type,
            options: (f.options ?? []).map((o) => o.label['en-US']),
          })),
        ];
        assert.deepStrictEqual(shown.rows, expected, `${p.name}: the fields of its descriptor`);
        if (p === DUMMY) {
          // Settings this account has no value for show the descriptor's defaults.
          const values = await page.evaluate(() => ({ region: $('#node-config-input-region').val(), copies: $('#node-config-input-copies').val(), proof: $('#node-config-input-proof').is(':checked') }));
          assert.deepStrictEqual(values, { region: 'eu', copies: '1', proof: true });
        }
        if (p.defaultBaseUrl) assert.ok(shown.placeholder?.includes(p.defaultBaseUrl), `${p.name}: default base URL as placeholder (${shown.placeholder})`);
        assert.strictEqual(shown.hint, p.baseUrlHint?.['en-US'] ?? '', `${p.name}: the base URL hint`);
        await screenshotDialog(page, path.join(shots, `${ACCOUNT}-${p.name}.png`));
      }
      await closeDialog(page, kind, 'cancel');
      const provider = await page.evaluate((id: string) => RED.nodes.node(id).provider, account.id);
      assert.strictEqual(provider, account.provider, 'cancel leaves the account as it was');
      noBrowserErrors();
    });

    it('a required setting of the dummy provider is checked; its own nodes get its poll kinds (with the default interval) and callback kinds', async () => {
      const kind = await openDialog(page, 'x_dummy');
      // The descriptor's fields are drawn once the dialog knows its provider: wait for the field, then for the outline.
      await page.waitForFunction(() => $('#node-config-input-shopId').length === 1, undefined, { timeout: 10_000 });
      await page.evaluate(() => $('#node-config-input-shopId').val('').trigger('change'));
      const required = await page
        .waitForFunction(() => $('#node-config-input-shopId').hasClass('input-error'), undefined, { timeout: 5_000 })
        .then(() => true, () => false);
      await closeDialog(page, kind, 'cancel');
      assert.ok(required, 'an empty shop id is outlined red');
      const errors = await page.evaluate(() => {
        const n = RED.nodes.node('x_dummy');
        const def = RED.nodes.getType('fulfillment-account');
        return def.defaults.shopId.validate.call(n, '', { property: 'shopId' });
      });
      assert.match(String(errors), /Shop id is required/);

      const poll = await openDialog(page, 'x_poll');
      const pollState = await page.evaluate(() => ({
        kinds: $('#node-input-kind option').map((_i: number, o: unknown) => ({ value: $(o).val(), text: $(o).text() })).get(),
        placeholder: $('#node-input-interval').attr('placeholder'),
      }));
      await closeDialog(page, poll, 'cancel');
      assert.deepStrictEqual(pollState.kinds, [{ value: 'parcel', text: 'parcel' }]);
      assert.match(pollState.placeholder, /^42\b/);

      const cb = await openDialog(page, 'x_callback');
      const kinds = await page.evaluate(() => $('#node-input-kind option').map((_i: number, o: unknown) => $(o).val()).get());
      await closeDialog(page, cb, 'cancel');
      assert.deepStrictEqual(kinds, ['', 'ping']);
      const valid = await page.evaluate(() => ['x_poll', 'x_callback', 'x_order'].map((id) => RED.nodes.node(id).valid));
      assert.deepStrictEqual(valid, [true, true, true], 'the dummy provider serves status, callback and order');
      noBrowserErrors();
    });

    it('refuses an account whose provider cannot do what the node does, naming the providers that can', async function () {
      const retrieve = ours.find((n) => n.type === 'fulfillment-retrieve-result');
      const other = ours.find((n) => n.type === ACCOUNT && n.provider !== 'planviewer');
      if (!retrieve || !other) return this.skip();
      const bad = await setAndSave(retrieve.id, 'account', other.id);
      try {
        assert.strictEqual(bad.valid, false);
        const able = PROVIDERS.filter((p) => p.capabilities.result).map((p) => p.label).join(', ');
        assert.ok(bad.errors.some((e) => e.includes(`(${other.provider}) cannot`) && e.includes(able)), bad.errors.join('; '));
      } finally {
        await setAndSave(retrieve.id, 'account', retrieve.account as string);
      }
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

    it('refuses an invalid value: place order with a repeat guard of "abc"', async function () {
      const order = ours.find((n) => n.type === 'fulfillment-place-order');
      if (!order) return this.skip();
      const bad = await setAndSave(order.id, 'dedupeWindow', 'abc');
      try {
        assert.strictEqual(bad.valid, false);
        assert.ok(bad.errors.some((e) => /repeat guard/i.test(e)), `the reason names the field: ${bad.errors.join('; ')}`);
        await page.screenshot({ path: path.join(shots, 'invalid-node.png'), clip: { x: 180, y: 80, width: 780, height: 260 } });
      } finally {
        await setAndSave(order.id, 'dedupeWindow', String(order.dedupeWindow ?? 5));
      }
      const good = await page.evaluate((id: string) => ({ valid: RED.nodes.node(id).valid as boolean, errors: (RED.nodes.node(id).validationErrors || []) as string[] }), order.id);
      assert.strictEqual(good.valid, true, good.errors.join('; '));
      noBrowserErrors();
    });

    it('a numeric setting may name an environment variable; the request may come from another property', async function () {
      const order = ours.find((n) => n.type === 'fulfillment-place-order');
      if (!order) return this.skip();
      const kind = await openDialog(page, order.id);
      const state = await page.evaluate(() => {
        $('#node-input-dedupeWindow').typedInput('type', 'env');
        $('#node-input-dedupeWindow').typedInput('value', 'ORDER_REPEAT_SECONDS');
        $('#node-input-source').typedInput('type', 'flow');
        $('#node-input-source').typedInput('value', 'nextOrder');
        return {
          sourceType: $('#node-input-sourceType').val(),
          numberType: $('#node-input-dedupeWindowType').val(),
        };
      });
      await closeDialog(page, kind, 'ok');
      const saved = await page.evaluate((id: string) => {
        const n = RED.nodes.node(id);
        return { source: n.source, sourceType: n.sourceType, dedupeWindow: n.dedupeWindow, dedupeWindowType: n.dedupeWindowType, valid: n.valid };
      }, order.id);
      // Put it back as shipped: nothing of this is deployed.
      await page.evaluate(([id, d]: [string, unknown]) => {
        const n = RED.nodes.node(id);
        Object.assign(n, { source: 'payload', sourceType: 'msg', dedupeWindow: d, dedupeWindowType: 'num', changed: false });
        RED.editor.validateNode(n);
      }, [order.id, order.dedupeWindow ?? 86400] as [string, unknown]);
      assert.deepStrictEqual({ sourceType: state.sourceType, numberType: state.numberType }, { sourceType: 'flow', numberType: 'env' });
      assert.deepStrictEqual(saved, { source: 'nextOrder', sourceType: 'flow', dedupeWindow: 'ORDER_REPEAT_SECONDS', dedupeWindowType: 'env', valid: true });
      noBrowserErrors();
    });
  });

  describe('the account: sandbox or live, Test connection before deploy', () => {
    it('marks an account on the sandbox "sandbox" (label and dialog), "live" otherwise; the dialog says the sandbox accepts any credentials', async () => {
      const account = ours.find((n) => n.type === ACCOUNT && n.provider === 'planviewer') ?? ours.find((n) => n.type === ACCOUNT);
      assert.ok(account);
      const label = await page.evaluate((id: string) => RED.utils.getNodeLabel(RED.nodes.node(id)), account.id);
      assert.match(label, /sandbox/i);
      const kind = await openDialog(page, account.id);
      const read = () => page.evaluate(() => ({ mark: $('#fulfillment-account-mark').text(), url: $('#node-config-input-baseUrl').val(), tip: $('#fulfillment-account-sandbox-hint').text() }));
      const onSandbox = await read();
      await screenshotDialog(page, path.join(shots, 'fulfillment-account-sandbox.png'));
      await page.evaluate(() => $('#node-config-input-baseUrl').val('').trigger('input'));
      const live = await read();
      await page.click('#fulfillment-account-use-sandbox');
      const back = await read();
      await closeDialog(page, kind, 'cancel');
      assert.strictEqual(onSandbox.mark, 'sandbox');
      assert.match(onSandbox.tip, /accepts any credentials/);
      assert.strictEqual(live.mark, 'live');
      assert.strictEqual(back.mark, 'sandbox');
      assert.strictEqual(back.url, `${sandbox.url}${PROVIDERS.find((p) => p.name === account.provider)?.sandboxPath}`);
      assert.ok(onSandbox.tip.includes(`${sandbox.url}/`), `the hint names the sandbox that runs: ${onSandbox.tip}`);
      noBrowserErrors();
    });

    it('the nodes of a deployed sandbox account show "sandbox" in their status', async () => {
      const node = ours.find((n) => n.type === 'fulfillment-place-order');
      assert.ok(node);
      await page.waitForFunction((id: string) => RED.nodes.node(id).status && RED.nodes.node(id).status.text === 'sandbox', node.id, { timeout: 10_000 });
      noBrowserErrors();
    });

    it('"Test connection" on a new, undeployed account tests what the dialog holds', async () => {
      await openNewConfig(page, ACCOUNT);
      // A new account starts with the runtime's own defaults (one fact, one place).
      assert.deepStrictEqual(await page.evaluate(() => [$('#node-config-input-maxResponseMb').val(), $('#node-config-input-timeout').val()]), [String(DEFAULT_MAX_RESPONSE_MB), '30000']);
      const test = async () => {
        await page.evaluate(() => $('#fulfillment-account-test-result').text(''));
        await page.click('#fulfillment-account-test');
        await page.waitForFunction(() => /^[✔✖]/.test($('#fulfillment-account-test-result').text()), null, { timeout: 15_000 });
        return (await page.locator('#fulfillment-account-test-result').innerText()).trim();
      };
      await page.evaluate(([url, key, secret]: string[]) => {
        $('#node-config-input-provider').val('planviewer').trigger('change');
        $('#node-config-input-baseUrl').val(url).trigger('change');
        $('#node-config-input-apiKey').val(key);
        $('#node-config-input-apiSecret').val(secret);
      }, [`${sandbox.url}/planviewer`, typedSecrets[0], typedSecrets[1]]);
      const planviewer = await test();
      await screenshotDialog(page, path.join(shots, 'fulfillment-account-test.png'));
      await page.evaluate(() => $('#node-config-input-apiSecret').val(''));
      const missing = await test();
      await page.evaluate((key: string) => {
        $('#node-config-input-provider').val('dummyprint').trigger('change');
        $('#node-config-input-baseUrl').val('');
        $('#node-config-input-apiKey').val(key);
        $('#node-config-input-shopId').val('S-42');
        $('#node-config-input-region').val('us');
      }, typedSecrets[2]);
      const dummy = await test();
      await closeDialog(page, 'config', 'cancel');
      assert.match(planviewer, /^✔/, planviewer);
      assert.match(missing, /^✖.*secret/i, missing);
      assert.strictEqual(dummy, `✔ dummyprint: shop S-42, region us, key of ${typedSecrets[2].length} characters`);
      assert.ok(sandbox.count('/planviewer') > 0);
      const log = red?.output() ?? '';
      for (const s of typedSecrets) assert.ok(!log.includes(s), 'a typed credential is never logged');
      noBrowserErrors();
    });

    it('"Test connection" on each deployed example account reaches its provider with the stored credentials', async () => {
      const accounts = ours.filter((n) => n.type === ACCOUNT);
      for (const account of accounts) {
        const kind = await openDialog(page, account.id);
        await page.click('#fulfillment-account-test');
        await page.waitForFunction(() => /^[✔✖]/.test($('#fulfillment-account-test-result').text()), null, { timeout: 15_000 });
        const text = (await page.locator('#fulfillment-account-test-result').innerText()).trim();
        // The dialog's values, not the deployed ones: another (dead) address fails.
        await page.evaluate(() => $('#node-config-input-baseUrl').val('http://127.0.0.1:9/nowhere').trigger('change'));
        await page.evaluate(() => $('#fulfillment-account-test-result').text(''));
        await page.click('#fulfillment-account-test');
        await page.waitForFunction(() => /^[✔✖]/.test($('#fulfillment-account-test-result').text()), null, { timeout: 15_000 });
        const dead = (await page.locator('#fulfillment-account-test-result').innerText()).trim();
        await closeDialog(page, kind, 'cancel');
        assert.match(text, /^✔/, `${account.id} (${account.provider}): ${text}`);
        assert.match(dead, /^✖/, `${account.id} (${account.provider}) at a dead address: ${dead}`);
      }
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

    it('without a Catch node, the debug sidebar shows an error\'s message with the HTTP status, and its details as an object', async () => {
      const msg = await uncaughtError(page, TEST_TAB, 'x_inject', 'x_order');
      await msg.screenshot({ path: path.join(shots, 'debug-error.png') });
      assert.strictEqual(await page.evaluate(() => RED.nodes.node('x_order').status.text), 'HTTP 402');
      noBrowserErrors();
    });
  });

  describe('example layout', () => {
    it('no node overlaps another (20 px apart at least), no wire runs under a node, and each tab fits a 1440 × 900 window with the sidebar open', async () => {
      const tabs = examples.filter((n) => n.type === 'tab');
      assert.ok(tabs.length > 0);
      await page.setViewportSize({ width: 1440, height: 900 });
      const problems: string[] = [];
      try {
        await page.evaluate(() => {
          RED.sidebar.show('info');
          RED.view.zoomZero && RED.view.zoomZero();
        });
        for (const tab of tabs) {
          await page.evaluate((z: string) => RED.workspaces.show(z), tab.id);
          // Node sizes are known once the view has drawn the tab.
          await page.waitForFunction((z: string) => RED.nodes.filterNodes({ z }).every((n: any) => n.w > 0 && n.h > 0 && typeof n.x === 'number'), tab.id);
          const layout = await page.evaluate((z: string) => {
            const chart = $('#red-ui-workspace-chart')[0];
            const boxes = RED.nodes.filterNodes({ z }).map((n: any) => ({
              id: n.id,
              name: RED.utils.getNodeLabel(n, n.type),
              left: n.x - n.w / 2,
              top: n.y - n.h / 2,
              right: n.x + n.w / 2,
              bottom: n.y + n.h / 2,
            }));
            // Each wire as the editor drew it: points every 4 px along its path, in workspace coordinates.
            const wires: Array<{ from: string; to: string; points: Array<[number, number]> }> = [];
            $('#red-ui-workspace-chart path.red-ui-flow-link-line').each(function (this: any) {
              const d = this.__data__;
              if (!d || !d.source || !d.target || d.link || d.source.z !== z) return;
              const length = this.getTotalLength();
              const points: Array<[number, number]> = [];
              for (let at = 0; at <= length; at += 4) {
                const p = this.getPointAtLength(at);
                points.push([p.x, p.y]);
              }
              wires.push({ from: d.source.id, to: d.target.id, points });
            });
            return { width: chart.clientWidth, height: chart.clientHeight, sidebar: $('#red-ui-sidebar').is(':visible'), boxes, wires };
          }, tab.id);
          assert.ok(layout.sidebar, 'the sidebar is open');
          const label = `${tab.label ?? tab.id}`;
          for (const b of layout.boxes) {
            if (b.left < 0 || b.top < 0 || b.right > layout.width || b.bottom > layout.height) {
              problems.push(`${label}: "${b.name}" (${Math.round(b.left)},${Math.round(b.top)})–(${Math.round(b.right)},${Math.round(b.bottom)}) is outside the ${layout.width} × ${layout.height} workspace`);
            }
          }
          const GAP = 20;
          for (let i = 0; i < layout.boxes.length; i++) {
            for (let j = i + 1; j < layout.boxes.length; j++) {
              const a = layout.boxes[i];
              const b = layout.boxes[j];
              const apart = a.right + GAP <= b.left || b.right + GAP <= a.left || a.bottom + GAP <= b.top || b.bottom + GAP <= a.top;
              if (!apart) problems.push(`${label}: "${a.name}" and "${b.name}" are less than ${GAP} px apart`);
            }
          }
          // A wire that runs under a node hides where it goes.
          const nameOf = new Map(layout.boxes.map((b: { id: string; name: string }) => [b.id, b.name] as [string, string]));
          // Every wire of the tab was found, so the check below cannot pass for want of wires.
          const drawn = examples.filter((n) => n.z === tab.id).reduce((sum, n) => sum + (n.wires ?? []).reduce((k, t) => k + t.length, 0), 0);
          if (layout.wires.length !== drawn) problems.push(`${label}: ${layout.wires.length} wires drawn, ${drawn} in the flow`);
          for (const w of layout.wires) {
            for (const b of layout.boxes) {
              if (b.id === w.from || b.id === w.to) continue;
              const under = w.points.some(([x, y]) => x > b.left + 2 && x < b.right - 2 && y > b.top + 2 && y < b.bottom - 2);
              if (under) problems.push(`${label}: the wire "${nameOf.get(w.from)}" -> "${nameOf.get(w.to)}" runs under "${b.name}"`);
            }
          }
          if (tab.id === 'pv_tab') await page.screenshot({ path: path.join(shots, 'planviewer-tab.png') });
          else {
            fs.mkdirSync(path.join(os.tmpdir(), 'fulfillment-screenshots'), { recursive: true });
            await page.screenshot({ path: path.join(os.tmpdir(), 'fulfillment-screenshots', `example-${tab.id}.png`) });
          }
        }
      } finally {
        await page.setViewportSize({ width: 1280, height: 760 });
      }
      assert.deepStrictEqual(problems, []);
      noBrowserErrors();
    });
  });

  describe('languages', () => {
    /** The help file of a node type in one language, as the package ships it. */
    function helpFileOutline(type: string, lang: string) {
      const node = path.basename(path.dirname(pkg['node-red'].nodes[type]));
      return helpOutline(fs.readFileSync(path.join(root, 'nodes', node, 'locales', lang, `${node}.html`), 'utf8'));
    }
    // One node of each type: the examples', and the shared state no example uses.
    const oneOfEach: FlowNode[] = [...ours.filter((n, i) => ours.findIndex((m) => m.type === n.type) === i), { id: SHARED_STATE_ID, type: 'fulfillment-shared-state' }];

    for (const [locale, lang] of LANGS) {
      it(`${locale}: every dialog shows its labels, the palette its names and the sidebar every node's help in ${lang}`, async () => {
        const other = await openEditor(browser as Browser, (red as NodeRedProcess).url, locale);
        try {
          for (const n of oneOfEach) {
            const kind = await openDialog(other.page, n.id);
            const { shown, labels } = await dialogTexts(other.page);
            const cutOff = [...(await overflowingLabels(other.page)), ...(await cutOffSelects(other.page))];
            if (lang === 'de') await screenshotDialog(other.page, path.join(shots, `${n.type}-de.png`));
            let accountRows: Array<{ key: string; label: string }> = [];
            if (n.type === ACCOUNT) {
              // The rows drawn from the descriptors, for every provider, in this language.
              for (const p of PROVIDERS) {
                const rows = await other.page.evaluate((name: string) => {
                  $('#node-config-input-provider').val(name).trigger('change');
                  return $('.fulfillment-credential:visible, .fulfillment-setting:visible').map((_i: number, r: unknown) => ({ key: $(r).attr('data-key'), label: $(r).find('label span').text().trim() })).get();
                }, p.name);
                accountRows = accountRows.concat(rows);
                cutOff.push(...[...(await overflowingLabels(other.page)), ...(await cutOffSelects(other.page))].map((l) => `${p.name}: ${l}`));
                const expected = [...p.credentials, ...p.settings].map((f) => ({ key: f.key, label: f.label[lang] }));
                assert.deepStrictEqual(rows, expected, `${p.name} in ${locale}`);
              }
            }
            await closeDialog(other.page, kind, 'cancel');
            let ownStrings = 0;
            for (const s of shown) {
              const want = expectedText(s.i18n, lang);
              if (!want) continue;
              ownStrings++;
              if (want.attr === 'placeholder') assert.strictEqual(s.placeholder, want.text, `${n.type} in ${locale}: ${s.i18n}`);
              else if (want.attr === 'text') assert.strictEqual(s.text, want.text, `${n.type} in ${locale}: ${s.i18n}`);
            }
            assert.ok(ownStrings >= 2, `${n.type}: its dialog shows this package's strings (${ownStrings}): ${JSON.stringify(shown).slice(0, 300)}`);
            for (const l of labels) assert.ok(l !== '' || n.type === ACCOUNT, `${n.type} in ${locale}: a label without text`);
            assert.deepStrictEqual(cutOff, [], `${n.type} in ${locale}: labels that run under their field, choices cut off`);
            assert.ok(accountRows.every((r) => r.label !== ''), 'no descriptor field without a label');
          }
          const palette = await other.page.evaluate((list: string[]) => list.map((t) => $('.red-ui-palette-node[data-palette-type="' + t + '"] .red-ui-palette-label').text().replace(/\s+/g, ' ').trim()), types);
          types.forEach((t, i) => {
            if (CONFIG_TYPES.includes(t)) return;
            const node = path.basename(path.dirname(pkg['node-red'].nodes[t]));
            assert.strictEqual(squeeze(palette[i]), squeeze(catalogString(node, lang, `${node}.paletteLabel`) ?? ''), `${t}: palette label in ${locale}`);
          });
          for (const t of types) {
            const file = helpFileOutline(t, lang);
            const help = await showHelp(other.page, t);
            assert.deepStrictEqual(help.headings, file.sections.map((s) => s.heading), `${t}: help sections in ${locale}`);
            assert.ok(squeeze(help.text).startsWith(squeeze(file.summary).slice(0, 40)), `${t}: help summary in ${lang}: ${help.text.slice(0, 80)}`);
          }
          // The example tabs, with this language's (longer) node labels.
          const layout: string[] = [];
          for (const tab of examples.filter((t) => t.type === 'tab')) layout.push(...(await tabLayoutProblems(other.page, tab.id)));
          assert.deepStrictEqual(layout, [], `the examples' layout in ${locale}`);
          assert.deepStrictEqual(other.takeErrors(), []);
        } finally {
          await other.context.close();
        }
      });
    }

    it('es-ES (Node-RED speaks it, this package does not): English, and a string missing from a catalog shows in English', async () => {
      const other = await openEditor(browser as Browser, (red as NodeRedProcess).url, 'es-ES');
      try {
        const account = ours.find((n) => n.type === ACCOUNT);
        assert.ok(account);
        const kind = await openDialog(other.page, account.id);
        const label = await other.page.evaluate(() => $('label[for="node-config-input-provider"] span').first().text().trim());
        await closeDialog(other.page, kind, 'cancel');
        assert.strictEqual(label, catalogString('account', 'en-US', 'account.label.provider'));
        const help = await showHelp(other.page, ACCOUNT);
        assert.deepStrictEqual(help.headings, helpFileOutline(ACCOUNT, 'en-US').sections.map((s) => s.heading));
        assert.deepStrictEqual(other.takeErrors(), []);
      } finally {
        await other.context.close();
      }
      const de = await openEditor(browser as Browser, (red as NodeRedProcess).url, 'de-DE');
      try {
        // Take a string out of the loaded German catalog and ask for it.
        const shown = await de.page.evaluate((pkgName: string) => {
          const ns = pkgName + '/fulfillment-poll-status';
          const data = i18next.store.data;
          const langs = Object.keys(data).filter((l) => l !== 'en-US' && data[l][ns]);
          if (langs.length === 0 || !data['en-US'] || !data['en-US'][ns]) return `no catalogs loaded: ${Object.keys(data).join(', ')}`;
          for (const l of langs) delete data[l][ns]['poll-status'].label.seconds;
          return RED._(ns + ':poll-status.label.seconds');
        }, PKG);
        assert.strictEqual(shown, catalogString('poll-status', 'en-US', 'poll-status.label.seconds'), 'falls back to English');
      } finally {
        await de.context.close();
      }
    });
  });

  describe('on Node-RED 5 (Node 22)', () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const nodeRed5 = (require(path.join(root, 'scripts', 'node-red-5.js')) as { locate(): { node22: string; redJs: string } | undefined }).locate();
    let red5: NodeRedProcess | undefined;
    let five: EditorPage | undefined;

    before(async function () {
      if (!nodeRed5) return this.skip();
      const flows = testFlows(sandbox.url).filter((n) => ['x_tab', 'x_pv', 'x_inject', 'x_order'].includes(n.id));
      const creds = { x_pv: SANDBOX_CREDENTIALS.planviewer };
      const userDir = makeUserDir(flows, creds);
      fs.appendFileSync(path.join(userDir, 'settings.js'), 'module.exports.editorTheme = Object.assign({}, module.exports.editorTheme, { palette: { catalogues: [] }, codeEditor: { lib: "ace" } });\n');
      red5 = await startNodeRed(userDir, nodeRed5.node22, nodeRed5.redJs);
      five = await openEditor(browser as Browser, red5.url);
    });
    after(async () => {
      await five?.context.close();
      await red5?.stop();
    });

    it('loads the toolkit before the editors, draws the account dialog from the descriptors, and shows an uncaught error\'s details', async () => {
      const p = (five as EditorPage).page;
      assert.match(red5?.output() ?? '', /Node-RED version: v5\./);
      const registered = await p.evaluate((list: string[]) => ({ toolkit: typeof (globalThis as any).FulfillmentEditor, missing: list.filter((t) => !RED.nodes.getType(t)) }), types);
      assert.deepStrictEqual(registered, { toolkit: 'object', missing: [] });
      const kind = await openDialog(p, 'x_pv');
      const rows = await p.evaluate(() => $('.fulfillment-credential:visible').map((_i: number, r: unknown) => $(r).find('label span').text().trim()).get());
      await closeDialog(p, kind, 'cancel');
      assert.deepStrictEqual(rows, PROVIDERS.find((x) => x.name === 'planviewer')?.credentials.map((c) => c.label['en-US']));
      await uncaughtError(p, TEST_TAB, 'x_inject', 'x_order');
      assert.deepStrictEqual((five as EditorPage).takeErrors(), []);
    });
  });
});

