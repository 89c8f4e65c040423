/**
 * The operation node's dialog in a real browser (Debian's chromium via
 * playwright-core) against a real Node-RED process with the Planviewer
 * examples and a Sandbox behind their accounts: the operation list comes from
 * the account provider's descriptor, in the editor's language; the chosen
 * operation is documented in the dialog; product codes are suggested from the
 * deployed account's live list while a typed value stays allowed.
 */
import assert from 'assert';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Browser, Page } from 'playwright-core';
import { Sandbox } from '../../sandbox/server';
import { makeUserDir, startNodeRed, NodeRedProcess } from '../support/process';
import { chromiumInstalled, CHROMIUM, launch, openEditor, openDialog, closeDialog, screenshotDialog, EditorPage } from './editor';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const RED: any;
declare const $: any;

const root = path.resolve(__dirname, '..', '..', '..');
const shots = process.env.FULFILLMENT_SCREENSHOTS === 'docs' ? path.join(root, 'docs', 'screenshots') : path.join(os.tmpdir(), 'fulfillment-screenshots');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { SANDBOX_CREDENTIALS } = require(path.join(root, 'scripts', 'userdir.js')) as { SANDBOX_CREDENTIALS: Record<string, Record<string, string>> };

const EXAMPLES = ['planviewer-order-and-retrieve.json', 'planviewer-address-to-result.json'];
const TAB = 'pva_tab';
const INTENTIONS = 'pva_intentions';
const PLANVIEWER_OPERATIONS = ['products', 'search', 'intentions', 'waiting', 'select', 'documents'];
const PROBO_PRODUCT = 'lc_probo_product';
const CREATE_JOB = 'lc_create_job';
const CREATE_DELIVERY = 'lc_create_delivery';

/** A tab with the other fields that take a provider's code: Probo product codes, PostGreen services, boxes, channels and options. */
function liveChoiceFlows(sandboxUrl: string): FlowNode[] {
  return [
    { id: 'lc_tab', type: 'tab', label: 'test: live choices' },
    { id: 'lc_probo', type: 'fulfillment-account', name: 'Probo sandbox', provider: 'probo', baseUrl: `${sandboxUrl}/probo`, timeout: 5000 },
    { id: 'lc_postgreen', type: 'fulfillment-account', name: 'PostGreen sandbox', provider: 'postgreen', baseUrl: `${sandboxUrl}/postgreen`, timeout: 5000 },
    { id: PROBO_PRODUCT, type: 'fulfillment-operation', z: 'lc_tab', x: 200, y: 60, account: 'lc_probo', operation: 'product', choice: 'banner-510', dedupeWindow: 86400, wires: [[]] },
    { id: CREATE_JOB, type: 'fulfillment-create-job', z: 'lc_tab', x: 200, y: 140, account: 'lc_postgreen', mode: 'classic', service: 'SRV_LETTER', serviceType: 'str', box: '', boxType: 'str', wires: [[]] },
    { id: CREATE_DELIVERY, type: 'fulfillment-create-delivery', z: 'lc_tab', x: 200, y: 220, account: 'lc_postgreen', channel: '', channelType: 'str', outputFile: 'MAIN', options: '{}', optionsType: 'json', wires: [[]] },
  ];
}

/** The input a user types in: a typedInput hides the original and shows its own. */
const shown = (input: string) => `${input}.red-ui-typedInput + .red-ui-typedInput-container input.red-ui-typedInput-input, ${input}:not(.red-ui-typedInput)`;

/** The values of the datalist the input a user sees points at. */
function suggestionsOf(p: Page, input: string): Promise<{ visible: boolean; values: string[] }> {
  return p.evaluate((sel: string) => {
    const el = $(sel).filter(':visible');
    const list = el.attr('list');
    return { visible: el.length === 1, values: list ? $('#' + list + ' option').map((_i: number, o: any) => $(o).val()).get() : [] };
  }, shown(input));
}

interface FlowNode {
  id: string;
  type: string;
  provider?: string;
  [k: string]: unknown;
}

describe('operation node in the editor (chromium)', function () {
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
    const text = EXAMPLES.map((f) => fs.readFileSync(path.join(root, 'examples', f), 'utf8').split('http://127.0.0.1:1881').join(sandbox.url));
    const flows = [...text.flatMap((t) => JSON.parse(t) as FlowNode[]), ...liveChoiceFlows(sandbox.url)];
    const creds: Record<string, Record<string, string>> = {};
    for (const n of flows) if (n.type === 'fulfillment-account' && n.provider) creds[n.id] = SANDBOX_CREDENTIALS[n.provider];
    const userDir = makeUserDir(flows, creds);
    fs.appendFileSync(path.join(userDir, 'settings.js'), 'module.exports.editorTheme = Object.assign({}, module.exports.editorTheme, { palette: { catalogues: [] }, codeEditor: { lib: "ace" } });\n');
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

  function noBrowserErrors(): void {
    assert.deepStrictEqual(editor.takeErrors(), [], 'no browser console error or page error');
  }

  /** What the open dialog shows about the chosen operation. */
  function dialogView(p: Page) {
    return p.evaluate(() => ({
      options: $('#node-input-operation option').map((_i: number, o: any) => ({ value: $(o).val(), text: $(o).text() })).get(),
      chosen: $('#node-input-operation').val(),
      infoVisible: $('#fulfillment-operation-info').is(':visible'),
      call: $('#fulfillment-operation-info .fo-call').text(),
      description: $('#fulfillment-operation-info .fo-description').text(),
      input: $('#fulfillment-operation-info .fo-input').text(),
      output: $('#fulfillment-operation-info .fo-output').text(),
      example: $('#fulfillment-operation-info .fo-example').text(),
      inputLabel: $('#fulfillment-operation-info b').first().text(),
      choiceVisible: $('#fulfillment-operation-row-choice').is(':visible'),
      choiceLabel: $('#fulfillment-operation-choice-label').text(),
      guardVisible: $('.fulfillment-operation-guard').first().is(':visible'),
    }));
  }

  it('lists the account provider\'s operations and documents the chosen one: call, description, input, output, example', async () => {
    const kind = await openDialog(page, INTENTIONS);
    const view = await dialogView(page);
    await screenshotDialog(page, path.join(shots, 'fulfillment-operation.png'));
    await closeDialog(page, kind, 'cancel');
    assert.deepStrictEqual(view.options.map((o: { value: string }) => o.value), ['', ...PLANVIEWER_OPERATIONS]);
    assert.strictEqual(view.options.find((o: { value: string }) => o.value === 'intentions').text, 'intentions · List product intentions');
    assert.strictEqual(view.chosen, 'intentions');
    assert.ok(view.infoVisible);
    assert.strictEqual(view.call, 'POST /product_api/v1/intentions/list');
    assert.match(view.description, /An empty answer means nothing is available/);
    assert.match(view.input, /\{uuids: \[location uuid\], products: \[product slug\]\}/);
    assert.match(view.output, /msg\.intentions/);
    assert.deepStrictEqual(JSON.parse(view.example), { uuids: ['9d3e1336-4093-4825-abde-46346805abb2'], products: ['bestemmingsplanrapport'] });
    assert.strictEqual(view.choiceVisible, true);
    assert.strictEqual(view.choiceLabel, 'products');
    assert.strictEqual(view.guardVisible, false, 'a read has no repeat guard to set');
    noBrowserErrors();
  });

  it('suggests the deployed account\'s product slugs (live list) and still takes a typed value', async () => {
    const kind = await openDialog(page, INTENTIONS);
    await page.waitForFunction(() => /\d+ suggestions/.test($('#fulfillment-operation-choice-hint').text()), null, { timeout: 15_000 });
    const offered = await page.evaluate(() => ({
      list: $('#node-input-choice').attr('list'),
      values: $('#' + $('#node-input-choice').attr('list') + ' option').map((_i: number, o: any) => $(o).val()).get(),
      hint: $('#fulfillment-operation-choice-hint').text(),
      value: $('#node-input-choice').val(),
    }));
    assert.strictEqual(offered.values.length, 18, offered.hint);
    assert.ok(offered.values.includes('eigendomsinformatie-json'));
    assert.strictEqual(offered.value, 'eigendomsinformatie-json', 'the example\'s product');
    assert.ok(sandbox.count('/planviewer/product_api/v1/products/list') >= 1, 'the list came from the provider, through the account');
    await page.fill('#node-input-choice', 'a-product-not-in-the-list');
    await closeDialog(page, kind, 'ok');
    const saved = await page.evaluate((id: string) => ({ choice: RED.nodes.node(id).choice, valid: RED.nodes.node(id).valid }), INTENTIONS);
    assert.deepStrictEqual(saved, { choice: 'a-product-not-in-the-list', valid: true });
    // Back as shipped.
    const again = await openDialog(page, INTENTIONS);
    await page.fill('#node-input-choice', 'eigendomsinformatie-json');
    await closeDialog(page, again, 'ok');
    noBrowserErrors();
  });

  it('shows the repeat guard for an operation that changes something, and no product field where none is taken', async () => {
    const kind = await openDialog(page, INTENTIONS);
    await page.selectOption('#node-input-operation', 'select');
    const view = await dialogView(page);
    await page.click('#fulfillment-operation-copy');
    await closeDialog(page, kind, 'cancel');
    assert.strictEqual(view.call, 'POST /product_api/v1/kik/select/{job uuid}');
    assert.strictEqual(view.guardVisible, true);
    assert.strictEqual(view.choiceVisible, false);
    assert.deepStrictEqual(JSON.parse(view.example), { uuid: 'e0ff72f8-ed75-44f8-8bff-d31a7088acc2', select: 1 });
    const kept = await page.evaluate((id: string) => RED.nodes.node(id).operation, INTENTIONS);
    assert.strictEqual(kept, 'intentions', 'cancel keeps the operation');
    noBrowserErrors();
  });

  it('marks an operation the provider does not have as invalid, naming it', async () => {
    const reason = await page.evaluate((id: string) => {
      const node = RED.nodes.node(id);
      return RED.nodes.getType('fulfillment-operation').defaults.operation.validate.call(node, 'refund', {});
    }, INTENTIONS);
    assert.strictEqual(reason, 'planviewer has no operation "refund"');
    noBrowserErrors();
  });

  it('says where suggestions come from when the account is not deployed yet', async () => {
    const kind = await openDialog(page, INTENTIONS);
    await page.evaluate(() => {
      const type = RED.nodes.getType('fulfillment-account');
      RED.nodes.add({ id: 'undeployed_acc', type: 'fulfillment-account', provider: 'planviewer', name: 'new account', users: [], _def: type, changed: true });
      $('#node-input-account').append($('<option>').val('undeployed_acc').text('new account'));
      $('#node-input-account').val('undeployed_acc').trigger('change');
    });
    await page.waitForFunction(() => /Deploy the account/.test($('#fulfillment-operation-choice-hint').text()), null, { timeout: 15_000 });
    await closeDialog(page, kind, 'cancel');
    await page.evaluate(() => RED.nodes.remove('undeployed_acc'));
    noBrowserErrors();
  });

  it('suggests the deployed Probo account\'s product codes for the operation "product" and still takes a typed code', async () => {
    const kind = await openDialog(page, PROBO_PRODUCT);
    await page.waitForFunction(() => /\d+ suggestions/.test($('#fulfillment-operation-choice-hint').text()), null, { timeout: 15_000 });
    const view = await dialogView(page);
    const offered = await suggestionsOf(page, '#node-input-choice');
    assert.strictEqual(offered.visible, true);
    assert.strictEqual(view.choiceVisible, true);
    assert.strictEqual(view.choiceLabel, 'code');
    assert.strictEqual(offered.values.length, 45, 'every page of the catalogue');
    assert.ok(offered.values.includes('banner-510'));
    assert.ok(sandbox.count('/probo/products', 'GET') >= 1, 'the list came from the provider, through the account');
    await page.fill('#node-input-choice', 'my-own-product-code');
    await closeDialog(page, kind, 'ok');
    const saved = await page.evaluate((id: string) => ({ choice: RED.nodes.node(id).choice, valid: RED.nodes.node(id).valid }), PROBO_PRODUCT);
    assert.deepStrictEqual(saved, { choice: 'my-own-product-code', valid: true });
    noBrowserErrors();
  });

  it('create job suggests the deployed PostGreen account\'s services and boxes, and still takes typed ones', async () => {
    const kind = await openDialog(page, CREATE_JOB);
    await page.waitForFunction(() => $('#fulfillment-services-list option').length > 0 && $('#fulfillment-boxes-list option').length > 0, null, { timeout: 15_000 });
    const services = await suggestionsOf(page, '#node-input-service');
    const boxes = await suggestionsOf(page, '#node-input-box');
    assert.deepStrictEqual(services, { visible: true, values: ['SRV_LETTER'] }, 'on the input the user types in');
    assert.deepStrictEqual(boxes, { visible: true, values: ['BX101', 'BX102'] });
    assert.ok(sandbox.count('/postgreen/authentication/authenticate') >= 1, 'the lists came from the provider\'s profile');
    await page.fill(shown('#node-input-service'), 'SRV_TYPED_BY_HAND');
    await page.fill(shown('#node-input-box'), 'BX999');
    await closeDialog(page, kind, 'ok');
    const saved = await page.evaluate((id: string) => ({ service: RED.nodes.node(id).service, box: RED.nodes.node(id).box, valid: RED.nodes.node(id).valid }), CREATE_JOB);
    assert.deepStrictEqual(saved, { service: 'SRV_TYPED_BY_HAND', box: 'BX999', valid: true });
    noBrowserErrors();
  });

  it('create delivery suggests channels and offers option values that go into the options JSON; typed values stay', async () => {
    const kind = await openDialog(page, CREATE_DELIVERY);
    await page.waitForFunction(() => $('#fulfillment-channels-list option').length > 0 && $('#fulfillment-option-pick-row').is(':visible'), null, { timeout: 15_000 });
    const channels = await suggestionsOf(page, '#node-input-channel');
    assert.deepStrictEqual(channels, { visible: true, values: ['LETTRE_RECOMMANDEE'] }, 'on the input the user types in');
    const options = await page.evaluate(() => $('#fulfillment-option-pick option').map((_i: number, o: any) => ({ value: $(o).val(), text: $(o).text() })).get());
    assert.ok(options.some((o: { value: string; text: string }) => o.value === 'print_mode:2SIDE' && /print_mode = 2SIDE \(id 77002\)/.test(o.text)), JSON.stringify(options.slice(0, 4)));
    await page.selectOption('#fulfillment-option-pick', 'print_mode:2SIDE');
    await page.selectOption('#fulfillment-option-pick', 'print_color:BW');
    await page.selectOption('#fulfillment-option-pick', 'print_mode:1SIDE');
    const json = await page.evaluate(() => $('#node-input-options').typedInput('value'));
    assert.deepStrictEqual(JSON.parse(json), { print_mode: '1SIDE', print_color: 'BW' }, 'a picked value replaces its type\'s value');
    await page.fill(shown('#node-input-channel'), 'MY_OWN_LABEL');
    await closeDialog(page, kind, 'ok');
    const saved = await page.evaluate((id: string) => ({ channel: RED.nodes.node(id).channel, options: RED.nodes.node(id).options, optionsType: RED.nodes.node(id).optionsType }), CREATE_DELIVERY);
    assert.deepStrictEqual({ ...saved, options: JSON.parse(saved.options) }, { channel: 'MY_OWN_LABEL', options: { print_mode: '1SIDE', print_color: 'BW' }, optionsType: 'json' });
    noBrowserErrors();
  });

  it('speaks the editor\'s language: the operations and their documentation in German', async () => {
    const de = await openEditor(browser as Browser, (red as NodeRedProcess).url, 'de-DE');
    try {
      const kind = await openDialog(de.page, INTENTIONS);
      const view = await dialogView(de.page);
      await screenshotDialog(de.page, path.join(shots, 'fulfillment-operation-de.png'));
      await closeDialog(de.page, kind, 'cancel');
      assert.strictEqual(view.options.find((o: { value: string }) => o.value === 'intentions').text, 'intentions · Produktabsichten auflisten');
      assert.match(view.description, /Eine leere Antwort heißt, dass nichts verfügbar ist/);
      assert.strictEqual(view.inputLabel, 'Eingabe (msg.payload):');
      assert.deepStrictEqual(de.takeErrors(), []);
    } finally {
      await de.context.close();
    }
  });

  for (const [tab, file] of [[TAB, 'planviewer-address-to-result'], ['pv_tab', 'planviewer-order-and-retrieve']]) {
    it(`lays the example ${file} out inside 940 x 700, at least 20 px between node boxes`, async () => {
      await page.evaluate((z: string) => RED.workspaces.show(z), tab);
      await page.waitForFunction((z: string) => {
        let drawn = true;
        RED.nodes.eachNode((n: any) => {
          if (n.z === z && !(n.w > 0 && n.h > 0)) drawn = false;
        });
        return drawn;
      }, tab);
      const boxes = await page.evaluate((z: string) => {
        const out: Array<{ id: string; left: number; top: number; right: number; bottom: number }> = [];
        RED.nodes.eachNode((n: any) => {
          if (n.z !== z) return;
          // An inject's button sticks out on the left, a debug node's on the right: it must be on the workspace too.
          const button = n._def.button ? 25 : 0;
          const onRight = n._def.align === 'right';
          out.push({ id: n.id, left: n.x - n.w / 2 - (onRight ? 0 : button), top: n.y - n.h / 2, right: n.x + n.w / 2 + (onRight ? button : 0), bottom: n.y + n.h / 2 });
        });
        return out;
      }, tab);
      await page.setViewportSize({ width: 1500, height: 900 });
      await page.screenshot({ path: path.join(shots, `${file}.png`) });
      await page.setViewportSize({ width: 1280, height: 760 });
      assert.ok(boxes.length >= 10, `${boxes.length} nodes`);
      const outside = boxes.filter((b) => b.left < 0 || b.top < 0 || b.right > 940 || b.bottom > 700).map((b) => `${b.id} ${JSON.stringify(b)}`);
      assert.deepStrictEqual(outside, [], 'every node box inside the 940 x 700 workspace');
      const close: string[] = [];
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i];
          const b = boxes[j];
          const gapX = Math.max(b.left - a.right, a.left - b.right);
          const gapY = Math.max(b.top - a.bottom, a.top - b.bottom);
          if (gapX < 20 && gapY < 20) close.push(`${a.id} / ${b.id} (${Math.round(gapX)}, ${Math.round(gapY)})`);
        }
      }
      assert.deepStrictEqual(close, []);
      noBrowserErrors();
    });
  }
});
