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
    const flows = text.flatMap((t) => JSON.parse(t) as FlowNode[]);
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
