/**
 * The operations sidebar "fulfillment" in a real browser (Debian's chromium
 * via playwright-core) against a real Node-RED process and the sandbox: jobs
 * of two providers, live progress, attention rows, the buttons, the CSV, the
 * callbacks, filters, translations, 10,000 jobs, adminAuth and Node-RED 5.
 * Screenshots go to docs/screenshots/ with FULFILLMENT_SCREENSHOTS=docs.
 * The figures of the 10,000-job run are printed and kept in
 * docs/benchmarks.md; nothing here asserts a duration.
 */
import assert from 'assert';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Browser, Page } from 'playwright-core';
import { Sandbox } from '../../sandbox/server';
import { PLANVIEWER_TEST_UUIDS as T } from '../../sandbox/providers/planviewer';
import { makeUserDir, startNodeRed, post, request, NodeRedProcess } from '../support/process';
import { chromiumInstalled, CHROMIUM, launch, openEditor, EditorPage } from './editor';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const RED: any;
declare const $: any;
declare const window: any;
declare const requestAnimationFrame: (cb: (t: number) => void) => number;

const root = path.resolve(__dirname, '..', '..', '..');
const shots = process.env.FULFILLMENT_SCREENSHOTS === 'docs' ? path.join(root, 'docs', 'screenshots') : path.join(os.tmpdir(), 'fulfillment-screenshots');
const CREDS = { acc_pv: { apiKey: 'pv-key-sidebar', apiSecret: 'pv-secret-sidebar' }, acc_pb: { apiKey: 'pb-key-sidebar' }, cb_pb: { secret: 'cb-secret-sidebar' } };
const PRODUCT = { code: 'banner-510', options: [{ code: 'width', value: 100 }, { code: 'height', value: 100 }, { code: 'amount', value: 1 }] };
const STATUS = '/planviewer/product_api/v1/jobs/status';
/** The editor needs no flow-library catalogue (the browser stays on loopback) and no Monaco. */
const EDITOR_SETTINGS = 'module.exports.editorTheme = Object.assign({}, module.exports.editorTheme, { palette: { catalogues: [] }, codeEditor: { lib: "ace" } });\n';
// A context store that keeps writes in memory and flushes them: a 10,000-job watch list is saved often.
const CONTEXT = (dir: string) => `contextStorage: { default: { module: 'localfilesystem', config: { dir: ${JSON.stringify(dir)}, cache: true, flushInterval: 5 } } },`;

const catalog = (lang: string): Record<string, Record<string, string>> =>
  JSON.parse(fs.readFileSync(path.join(root, 'nodes', 'sidebar', 'locales', lang, 'fulfillment-sidebar.json'), 'utf8')) as Record<string, Record<string, string>>;

/** A job the sandbox knows (as if ordered earlier): any number of them, without the daily order cap. */
function sandboxJob(sandbox: Sandbox, n: number, intention: string = T.normal): string {
  const id = `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;
  sandbox.planviewer.jobs.set(id, { uuid: id, intention, reads: 0, owner: CREDS.acc_pv.apiKey });
  return id;
}


const inject = (red: NodeRedProcess, id: string, payload?: unknown) =>
  post(`${red.url}/inject/${id}`, payload === undefined ? undefined : { __user_inject_props__: [{ p: 'payload', v: JSON.stringify(payload), vt: 'json' }] });

/** What the inject node's editor expects (a flow without them shows a red triangle). */
const INJECT = { repeat: '', crontab: '', once: false, onceDelay: 0.1, topic: '' };

function flows(sandbox: Sandbox): unknown[] {
  const n = (id: string, type: string, x: number, y: number, extra: Record<string, unknown>) => ({ id, type, z: 'ops', x, y, ...(type === 'inject' ? INJECT : {}), ...extra });
  return [
    { id: 'ops', type: 'tab', label: 'Operations' },
    { id: 'bulk', type: 'tab', label: '10,000 jobs' },
    { id: 'acc_pv', type: 'fulfillment-account', name: 'Planviewer', provider: 'planviewer', baseUrl: sandbox.providerUrl('planviewer'), timeout: 5000 },
    { id: 'acc_pb', type: 'fulfillment-account', name: 'Probo', provider: 'probo', baseUrl: sandbox.providerUrl('probo'), timeout: 5000, testMode: false },
    n('note', 'comment', 310, 40, { name: 'Open the fulfillment sidebar (truck icon) to follow the jobs', wires: [] }),
    n('inj_pv', 'inject', 130, 100, { name: 'order plans', props: [{ p: 'payload' }], payload: JSON.stringify({ uuids: [T.normal, T.waitsForUser] }), payloadType: 'json', wires: [['order_pv']] }),
    n('order_pv', 'fulfillment-place-order', 330, 100, { name: 'order plans', account: 'acc_pv', dedupeWindow: 0, wires: [['poll_pv']] }),
    n('poll_pv', 'fulfillment-poll-status', 540, 100, { name: 'Planviewer jobs', account: 'acc_pv', interval: 2, maxWait: 600, wires: [[], [], []] }),
    n('inj_pb', 'inject', 130, 180, { name: 'print order', props: [{ p: 'payload' }], payload: '{}', payloadType: 'json', wires: [['order_pb']] }),
    n('order_pb', 'fulfillment-place-order', 330, 180, { name: 'print order', account: 'acc_pb', dedupeWindow: 0, wires: [['poll_pb']] }),
    n('poll_pb', 'fulfillment-poll-status', 540, 180, { name: 'Probo orders', account: 'acc_pb', kind: 'order', interval: 2, maxWait: 600, wires: [[], [], []] }),
    n('cb_pb', 'fulfillment-callback', 160, 260, { name: 'Probo order callbacks', account: 'acc_pb', kind: 'order', path: 'sidebar-orders', publicUrl: 'http://127.0.0.1:1880', maxBytes: 1024, dedupeWindow: 86400, wires: [[]] }),
    n('inj_hourly', 'inject', 130, 340, { name: 'watch hourly', props: [{ p: 'payload' }], payload: '[]', payloadType: 'json', wires: [['poll_hourly']] }),
    n('poll_hourly', 'fulfillment-poll-status', 350, 340, { name: 'hourly check', account: 'acc_pv', interval: 3600, maxWait: 0, wires: [[], [], []] }),
    n('inj_fast', 'inject', 130, 420, { name: 'watch every second', props: [{ p: 'payload' }], payload: '[]', payloadType: 'json', wires: [['poll_fast']] }),
    n('poll_fast', 'fulfillment-poll-status', 370, 420, { name: 'every second', account: 'acc_pv', interval: 1, maxWait: 0, wires: [[], [], []] }),
    { id: 'inj_bulk', type: 'inject', z: 'bulk', x: 130, y: 80, ...INJECT, name: '10,000 jobs', props: [{ p: 'payload' }], payload: '[]', payloadType: 'json', wires: [['poll_bulk']] },
    { id: 'poll_bulk', type: 'fulfillment-poll-status', z: 'bulk', x: 340, y: 80, name: 'bulk watch', account: 'acc_pv', interval: 3600, maxWait: 0, wires: [[], [], []] },
  ];
}

describe('operations sidebar in a real browser (chromium)', function () {
  this.timeout(120_000);
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
    const contextDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nr-sidebar-context-'));
    const userDir = makeUserDir(flows(sandbox), CREDS, undefined, CONTEXT(contextDir));
    fs.appendFileSync(path.join(userDir, 'settings.js'), EDITOR_SETTINGS);
    red = await startNodeRed(userDir);
    browser = await launch();
    editor = await openEditor(browser, red.url);
    page = editor.page;
    fs.mkdirSync(shots, { recursive: true });
    await showSidebar(page);
    assert.deepStrictEqual(editor.takeErrors(), [], 'no console error while the editor and the sidebar load');
  });

  after(async () => {
    await browser?.close();
    await red?.stop();
    await sandbox?.stop();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      const file = path.join(os.tmpdir(), `sidebar-failure-${Date.now()}.png`);
      await page.screenshot({ path: file }).catch(() => undefined);
      console.log(`    screenshot of the failure: ${file}`);
    }
  });

  function noBrowserErrors(): void {
    assert.deepStrictEqual(editor.takeErrors(), [], 'no browser console error or page error');
  }

  async function showSidebar(p: Page): Promise<void> {
    await p.evaluate(() => RED.sidebar.show('fulfillment'));
    await p.locator('.ff-sidebar').waitFor({ state: 'visible' });
  }

  /** The in-flight rows as drawn: id, provider, state, progress, attention reason, row element index. */
  function inflightRows(p: Page) {
    return p.evaluate(() =>
      $('.ff-section[data-section="inflight"] .ff-row:not(.ff-loading)')
        .map((_i: number, el: unknown) => {
          const row = $(el);
          return {
            id: row.find('.ff-id').text(),
            provider: row.find('.ff-prov').text(),
            state: row.find('.ff-state').text(),
            progress: Number(row.find('.ff-bar').attr('aria-valuenow') ?? -1),
            attention: row.hasClass('ff-attn'),
            badge: row.find('.ff-badge').text(),
            reason: row.find('.ff-reason').text(),
            node: row.find('.ff-node').text(),
          };
        })
        .get(),
    ) as Promise<Array<{ id: string; provider: string; state: string; progress: number; attention: boolean; badge: string; reason: string; node: string }>>;
  }

  async function waitForRows(what: string, ok: (rows: Awaited<ReturnType<typeof inflightRows>>) => boolean, ms = 20_000) {
    const end = Date.now() + ms;
    for (;;) {
      const rows = await inflightRows(page);
      if (ok(rows)) return rows;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; rows: ${JSON.stringify(rows).slice(0, 1500)}`);
      await page.waitForTimeout(150);
    }
  }

  const rowButton = (id: string, act: string) => page.locator(`.ff-section[data-section="inflight"] .ff-row[data-id="${id}"] .ff-btn[data-act="${act}"]`);
  /**
   * Clicks a row's button and waits for the request it makes. The list redraws
   * itself live, so on a busy machine a click can land while its row is being
   * replaced: then it is clicked again (a button press that sends nothing is
   * what a user would repeat too).
   */
  async function press(id: string, act: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const answered = page.waitForResponse((res) => res.url().includes(`/fulfillment/activity/${act === 'check' ? 'check' : act}`) && res.request().method() === 'POST', { timeout: 5000 });
      await rowButton(id, act).click();
      try {
        const res = await answered;
        assert.strictEqual(res.status(), 200, `${act} answered ${res.status()}`);
        return;
      } catch (e) {
        if (attempt >= 3 || e instanceof assert.AssertionError) throw e;
      }
    }
  }

  it('shows the jobs of two providers live, with progress that moves, and marks the job that waits for the user with its reason', async () => {
    const r = red as NodeRedProcess;
    assert.match(await page.locator('.ff-section[data-section="inflight"] .ff-empty-text').innerText(), /No poll status node/);
    await post(`${r.url}/fulfillment/callback/sidebar-orders/not-the-secret`, { id: 'web-1', status: 'accepted' });
    await inject(r, 'inj_pv');
    const order = { id: 'web-1', reference: 'shop order 1', order_type: 'production', callback_url: `${r.url}/fulfillment/callback/sidebar-orders/${CREDS.cb_pb.secret}`, products: [PRODUCT], deliveries: [{ address: { first_name: 'A', last_name: 'B', city: 'Utrecht', country: 'NL' } }] };
    await inject(r, 'inj_pb', order);

    const both = await waitForRows('jobs of both providers', (rows) => rows.some((x) => x.provider === 'planviewer') && rows.some((x) => x.provider === 'probo'));
    assert.ok(both.some((x) => x.id === 'web-1' && x.node === 'Probo orders'));

    // Progress moves without a reload: the bar of a Planviewer job takes at least two values.
    const seen = new Set<number>();
    await waitForRows('progress to move', (rows) => {
      for (const x of rows) if (x.provider === 'planviewer' && x.progress >= 0 && !x.attention) seen.add(x.progress);
      return seen.size >= 2;
    });
    const attention = await waitForRows('the job that waits for the user', (rows) => rows.some((x) => x.attention));
    const marked = attention.find((x) => x.attention);
    assert.strictEqual(marked?.state, 'waiting for user');
    assert.strictEqual(marked?.badge, 'needs attention');
    assert.strictEqual(marked?.reason, 'an action by the end user is needed to complete the order');
    assert.strictEqual(marked?.provider, 'planviewer');
    assert.strictEqual((await page.locator('.ff-section[data-section="inflight"] .ff-head .ff-num.ff-warn').innerText()).trim(), '1');
    await page.locator('.ff-sidebar').screenshot({ path: path.join(shots, 'sidebar.png') });
    await page.screenshot({ path: path.join(shots, 'sidebar-editor.png') });
    noBrowserErrors();
  });

  it('lists the callbacks (repeats counted) and the refused ones', async () => {
    await page.waitForFunction(() => $('.ff-section[data-section="callbacks"] .ff-row:not(.ff-loading)').length >= 3, null, { timeout: 20_000 });
    const rows = await page.evaluate(() =>
      $('.ff-section[data-section="callbacks"] .ff-row').map((_i: number, el: unknown) => $(el).text()).get(),
    ) as string[];
    assert.ok(rows.some((t) => /probo.*order.*web-1/.test(t) && /accepted|in_production/.test(t)), rows.join('\n'));
    assert.ok(rows.some((t) => /HTTP 401.*wrong secret in the URL/.test(t) && /from 127\.0\.0\.1/.test(t)), rows.join('\n'));
    assert.ok(!(await page.locator('.ff-sidebar').innerText()).includes(CREDS.cb_pb.secret), 'the callback secret is never shown');
    noBrowserErrors();
  });

  it('reveals the node when its name is clicked', async () => {
    await page.evaluate(() => RED.workspaces.show('bulk'));
    await page.locator('.ff-section[data-section="placed"] .ff-node[data-node="order_pb"]').first().click();
    await page.waitForFunction(() => RED.workspaces.active() === 'ops' && RED.nodes.node('order_pb').highlighted === true, null, { timeout: 5000 });
    noBrowserErrors();
  });

  it('"check now" asks the provider about that job at once', async () => {
    const r = red as NodeRedProcess;
    const id = sandboxJob(sandbox, 1);
    await inject(r, 'inj_hourly', [id]);
    await waitForRows('the hourly job after its first read', (rows) => rows.some((x) => x.id === id && x.state === 'initial'));
    const before = sandbox.count(STATUS);
    await press(id, 'check');
    const rows = await waitForRows('the checked job to move', (rs) => rs.some((x) => x.id === id && x.state === 'in_progress'));
    assert.strictEqual(rows.find((x) => x.id === id)?.progress, 25);
    const asked = sandbox.requests.filter((q) => q.path === STATUS).slice(before).filter((q) => q.query.includes(id));
    assert.strictEqual(asked.length, 1, 'one request for that job, not an hour later');
    noBrowserErrors();
  });

  it('"stop watching" ends the requests for that job (the sandbox request log shows none after it)', async () => {
    const r = red as NodeRedProcess;
    const stop = sandboxJob(sandbox, 2);
    const keep = sandboxJob(sandbox, 3);
    // Many reads in the state `initial`: the jobs stay watched for the whole test.
    for (const id of [stop, keep]) (sandbox.planviewer.jobs.get(id) as { reads: number }).reads = -1000;
    await inject(r, 'inj_fast', [stop, keep]);
    await waitForRows('both fast jobs', (rows) => rows.some((x) => x.id === stop && x.state !== '') && rows.some((x) => x.id === keep));
    assert.ok(sandbox.requests.some((q) => q.path === STATUS && q.query.includes(stop)), 'asked about before');
    await press(stop, 'unwatch');
    await waitForRows('the stopped job to leave the list', (rows) => !rows.some((x) => x.id === stop));
    const after = sandbox.requests.length;
    const end = Date.now() + 10_000;
    while (sandbox.requests.slice(after).filter((q) => q.path === STATUS && q.query.includes(keep)).length < 3) {
      if (Date.now() > end) throw new Error('the other job was not asked about three more times');
      await page.waitForTimeout(200);
    }
    assert.deepStrictEqual(sandbox.requests.slice(after).filter((q) => q.query.includes(stop)), [], 'no request names the stopped job');
    await press(keep, 'unwatch');
    noBrowserErrors();
  });

  it('dismisses a row that needs attention', async () => {
    const rows = await inflightRows(page);
    const marked = rows.find((x) => x.attention);
    assert.ok(marked);
    await press(marked.id, 'dismiss');
    await waitForRows('the dismissed row to leave', (rs) => !rs.some((x) => x.id === marked.id));
    noBrowserErrors();
  });

  it('exports the placed calls as CSV, with the outcome-unknown ones marked with what to do', async () => {
    const r = red as NodeRedProcess;
    await inject(r, 'inj_pv', { uuids: [T.paymentRequired] });
    await page.waitForFunction(() => $('.ff-section[data-section="placed"] .ff-badge.ff-failed').length === 1, null, { timeout: 15_000 });
    sandbox.fault({ path: '/planviewer/product_api/v1/jobs/order', fault: { type: 'reset-after' }, times: 1 });
    await inject(r, 'inj_pv', { uuids: ['11111111-2222-4333-8444-555555555555'] });
    await page.waitForFunction(() => $('.ff-section[data-section="placed"] .ff-row.ff-unknown').length === 1 && $('.ff-section[data-section="placed"] .ff-badge.ff-failed').length === 1, null, { timeout: 15_000 });
    const unknownText = await page.locator('.ff-section[data-section="placed"] .ff-row.ff-unknown').innerText();
    assert.match(unknownText, /outcome unknown/);
    assert.match(unknownText, /Look it up with the provider before sending it again/);
    await page.locator('.ff-section[data-section="placed"]').screenshot({ path: path.join(shots, 'sidebar-placed.png') });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.ff-csv')]);
    assert.match(download.suggestedFilename(), /^fulfillment-placed-\d{4}-\d\d-\d\d\.csv$/);
    const csv = fs.readFileSync(await download.path(), 'utf8').replace(/^\ufeff/, '');
    const lines = csv.trim().split('\r\n');
    assert.match(lines[0], /^time \(UTC\),provider,operation,state,provider id,reference/);
    const placed = lines.filter((l) => /,placed,/.test(l));
    assert.ok(placed.some((l) => /,probo,place order,placed,web-1,shop order 1,/.test(l)), csv);
    const pvJobs = [...sandbox.planviewer.jobs.values()].filter((j) => j.intention === T.normal || j.intention === T.waitsForUser).map((j) => j.uuid);
    assert.ok(placed.some((l) => /,planviewer,place order,placed,/.test(l) && pvJobs.some((u) => l.includes(u))), csv);
    assert.ok(lines.some((l) => /,planviewer,place order,failed,/.test(l) && /402|payment/i.test(l)), csv);
    assert.ok(lines.some((l) => /,outcome unknown,/.test(l) && /look it up with the provider/.test(l)), csv);
    for (const secret of [CREDS.acc_pv.apiSecret, CREDS.acc_pv.apiKey, CREDS.acc_pb.apiKey, CREDS.cb_pb.secret]) assert.ok(!csv.includes(secret), 'no credential in the CSV');
    noBrowserErrors();
    editor.takeErrors();
  });

  it('filters by provider, state and node, and searches by id', async () => {
    const provider = page.locator('.ff-provider-filter');
    const placedProviders = () => page.evaluate(() => $('.ff-section[data-section="placed"] .ff-row .ff-prov').map((_i: number, el: unknown) => $(el).text()).get()) as Promise<string[]>;
    await provider.selectOption('probo');
    await page.waitForFunction(() => $('.ff-section[data-section="placed"] .ff-row').length === 1);
    assert.deepStrictEqual(await placedProviders(), ['probo']);
    assert.ok((await inflightRows(page)).every((x) => x.provider === 'probo'));
    await provider.selectOption('');
    await page.waitForFunction(() => $('.ff-section[data-section="placed"] .ff-row').length > 1);
    await page.locator('.ff-section[data-section="placed"] .ff-state-filter').selectOption('unknown');
    await page.waitForFunction(() => $('.ff-section[data-section="placed"] .ff-row').length === 1 && $('.ff-section[data-section="placed"] .ff-row.ff-unknown').length === 1);
    await page.locator('.ff-section[data-section="placed"] .ff-state-filter').selectOption('');
    const id = sandboxJob(sandbox, 4);
    await inject(red as NodeRedProcess, 'inj_hourly', [id]);
    await page.locator('.ff-node-filter').selectOption('poll_hourly');
    await waitForRows('the hourly node only', (rows) => rows.length >= 2 && rows.every((x) => x.node === 'hourly check'));
    await page.locator('.ff-node-filter').selectOption('');
    await page.fill('.ff-search', id.slice(-5));
    await waitForRows('the one job found by id', (rows) => rows.length === 1 && rows[0].id === id);
    await page.fill('.ff-search', '');
    await waitForRows('all again', (rows) => rows.length > 1);
    noBrowserErrors();
  });

  for (const [locale, lang] of [['de-DE', 'de'], ['nl-NL', 'nl'], ['fr-FR', 'fr']]) {
    it(`${locale}: the sidebar speaks ${lang}`, async () => {
      const other = await openEditor(browser as Browser, (red as NodeRedProcess).url, locale);
      try {
        await showSidebar(other.page);
        const c = catalog(lang);
        const titles = await other.page.evaluate(() => $('.ff-head .ff-title').map((_i: number, el: unknown) => $(el).text()).get());
        assert.deepStrictEqual(titles, [c.section.inflight, c.section.placed, c.section.callbacks]);
        assert.strictEqual(await other.page.locator('.ff-search').getAttribute('placeholder'), c.filter.search);
        await other.page.waitForFunction(() => $('.ff-section[data-section="placed"] .ff-badge').length > 0);
        const badges = await other.page.evaluate(() => $('.ff-section[data-section="placed"] .ff-badge').map((_i: number, el: unknown) => $(el).text()).get());
        assert.ok(badges.includes(c.state.placed), badges.join(', '));
        if (lang === 'de') await other.page.locator('.ff-sidebar').screenshot({ path: path.join(shots, 'sidebar-de.png') });
        // A five-digit count beside this language's (longer) title still shows in full.
        const clipped = await other.page.evaluate(() => {
          $('.ff-head .ff-num:not(.ff-warn):not(.ff-caution)').text('10000');
          return $('.ff-head .ff-count')
            .filter((_i: number, el: { scrollWidth: number; clientWidth: number }) => el.scrollWidth > el.clientWidth)
            .map((_i: number, el: unknown) => $(el).closest('.ff-head').text())
            .get();
        });
        assert.deepStrictEqual(clipped, [], 'section counts cut off');
        assert.deepStrictEqual(other.takeErrors(), []);
      } finally {
        await other.context.close();
      }
    });
  }

  it('draws 10,000 watched jobs and scrolls through them without freezing the page (figures for docs/benchmarks.md)', async () => {
    const r = red as NodeRedProcess;
    const ids = Array.from({ length: 10_000 }, (_, i) => sandboxJob(sandbox, 100_000 + i));
    await inject(r, 'inj_bulk', ids);
    // Wait until the runtime watches them all and the first round of reads is done.
    const end = Date.now() + 60_000;
    for (;;) {
      const res = await request(`${r.url}/fulfillment/activity/inflight?node=poll_bulk&state=initial&limit=1`, 'GET');
      if (res.status === 200 && (JSON.parse(res.body) as { total: number }).total === 10_000) break;
      if (Date.now() > end) throw new Error(`the 10,000 jobs were not read: ${res.body.slice(0, 300)}`);
      await new Promise((res2) => setTimeout(res2, 500));
    }
    const fresh = await openEditor(browser as Browser, r.url);
    try {
      const p = fresh.page;
      const firstPaint = await p.evaluate(async () => {
        // When the first page of the list came back from the runtime, apart from drawing it.
        let answered = 0;
        $(window.document).on('ajaxComplete', (_e: unknown, _x: unknown, o: { url: string }) => {
          if (!answered && o.url.startsWith('fulfillment/activity/inflight')) answered = performance.now();
        });
        const t0 = performance.now();
        RED.sidebar.show('fulfillment');
        await new Promise<void>((resolve) => {
          const check = () => ($('.ff-section[data-section="inflight"] .ff-row:not(.ff-loading)').length > 0 ? resolve() : requestAnimationFrame(check));
          check();
        });
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        return { firstPaintMs: Math.round(performance.now() - t0), firstPageAnsweredMs: Math.round(answered - t0) };
      });
      const watchedCount = await p.evaluate(() => Number($('.ff-section[data-section="inflight"] .ff-head .ff-num').first().text()));
      assert.ok(watchedCount >= 10_000, `the header counts ${watchedCount} watched jobs`);
      const total = (JSON.parse((await request(`${r.url}/fulfillment/activity/summary`, 'GET')).body) as { inflight: number }).inflight;
      // Scroll from top to bottom in 150 steps, one per frame, then jump around.
      const scroll = await p.evaluate(async () => {
        const list = $('.ff-section[data-section="inflight"] .ff-list')[0];
        const frames: number[] = [];
        let maxRows = 0;
        const frame = () => new Promise<number>((resolve) => requestAnimationFrame((t) => resolve(t)));
        let last = await frame();
        const steps = 150;
        for (let i = 1; i <= steps; i++) {
          list.scrollTop = (list.scrollHeight - list.clientHeight) * (i / steps);
          const now = await frame();
          frames.push(now - last);
          last = now;
          maxRows = Math.max(maxRows, list.querySelectorAll('.ff-row').length);
        }
        // At the bottom, the rows fill in once their block arrives.
        const filled = async () => {
          const t0 = performance.now();
          while (list.querySelectorAll('.ff-row.ff-loading').length > 0) await frame();
          return performance.now() - t0;
        };
        const bottomFill = await filled();
        const lastRow = $(list).find('.ff-row').last();
        const jumps: number[] = [];
        for (const at of [0.5, 0.1, 0.9, 0.3, 0.7]) {
          list.scrollTop = (list.scrollHeight - list.clientHeight) * at;
          const t0 = performance.now();
          await frame();
          await filled();
          jumps.push(performance.now() - t0);
        }
        frames.sort((a, b) => a - b);
        return {
          frames: frames.length,
          medianFrame: frames[Math.floor(frames.length / 2)],
          p95Frame: frames[Math.floor(frames.length * 0.95)],
          maxFrame: frames[frames.length - 1],
          longFrames: frames.filter((f) => f > 50).length,
          maxRows,
          bottomFill,
          lastIndex: Number(lastRow.attr('data-i')),
          lastId: lastRow.find('.ff-id').text(),
          jumps,
          scrollHeight: list.scrollHeight,
        };
      });
      // One page of 200 rows from the runtime, as the list reads it while scrolling, and with a search.
      const fetches = await p.evaluate(async () => {
        const time = async (url: string) => {
          const t0 = performance.now();
          const res = await fetch(url);
          await res.json();
          return Math.round((performance.now() - t0) * 10) / 10;
        };
        return { pageMs: await time('fulfillment/activity/inflight?offset=5000&limit=200'), searchMs: await time('fulfillment/activity/inflight?q=000000105&limit=200') };
      });
      const figures = { ...firstPaint, ...fetches, ...scroll };
      console.log(`    10,000 jobs: ${JSON.stringify(figures)}`);
      fs.writeFileSync(path.join(os.tmpdir(), 'fulfillment-sidebar-10k.json'), JSON.stringify(figures, null, 2));
      assert.ok(scroll.maxRows < 120, `only the rows in view exist in the page (${scroll.maxRows})`);
      assert.strictEqual(scroll.lastIndex, total - 1, 'scrolled to the last row');
      assert.strictEqual(scroll.lastId, ids[ids.length - 1], 'the last row shows the job watched last');
      // The page still answers (a frozen page would not run this at all).
      assert.strictEqual(await p.evaluate(() => 1 + 1), 2);
      await p.locator('.ff-sidebar').screenshot({ path: path.join(shots, 'sidebar-10000.png') });
      assert.deepStrictEqual(fresh.takeErrors(), []);
    } finally {
      await fresh.context.close();
    }
  });
});

describe('operations sidebar with adminAuth on (a real Node-RED process)', function () {
  this.timeout(60_000);
  let red: NodeRedProcess | undefined;
  let browser: Browser | undefined;
  before(function () {
    if (!chromiumInstalled()) this.skip();
  });
  after(async () => {
    await browser?.close();
    await red?.stop();
  });

  it('answers an anonymous editor 401 on every endpoint; a read-only user may read but not press the buttons', async () => {
    // bcrypt of "admin-password"
    const hash = '$2b$08$yIuJmHoNf2SWKA/QMNZ/oufdbCJQ7FBvOFmtUk7rpL3r0In5Jd9vC';
    const adminAuth = `adminAuth: { type: 'credentials', users: [{ username: 'admin', password: '${hash}', permissions: '*' }, { username: 'viewer', password: '${hash}', permissions: 'read' }] },`;
    const userDir = makeUserDir([{ id: 't1', type: 'tab', label: 'auth' }], {}, undefined, adminAuth);
    fs.appendFileSync(path.join(userDir, 'settings.js'), EDITOR_SETTINGS);
    red = await startNodeRed(userDir);
    browser = await launch();
    const context = await browser.newContext();
    const p = await context.newPage();
    await p.goto(`${red.url}/`);
    const endpoints: Array<[string, string]> = [
      ['GET', 'summary'], ['GET', 'inflight'], ['GET', 'placed'], ['GET', 'placed.csv'], ['GET', 'callbacks'],
      ['POST', 'check'], ['POST', 'unwatch'], ['POST', 'dismiss'],
    ];
    const anonymous = await p.evaluate(async (list: Array<[string, string]>) => {
      const out: Array<[string, number]> = [];
      for (const [method, name] of list) {
        const res = await fetch(`fulfillment/activity/${name}`, { method, headers: { 'Content-Type': 'application/json' }, body: method === 'POST' ? JSON.stringify({ node: 'x', kind: 'job', id: 'y' }) : undefined });
        out.push([`${method} ${name}`, res.status]);
      }
      return out;
    }, endpoints);
    assert.deepStrictEqual(anonymous, endpoints.map(([m, n]) => [`${m} ${n}`, 401]));

    const token = async (username: string, scope: string): Promise<Record<string, string>> => {
      const res = await request(`${red?.url}/auth/token`, 'POST', { 'Content-Type': 'application/json' }, JSON.stringify({ client_id: 'node-red-admin', grant_type: 'password', scope, username, password: 'admin-password' }));
      assert.strictEqual(res.status, 200, res.body);
      return { Authorization: `Bearer ${(JSON.parse(res.body) as { access_token: string }).access_token}`, 'Content-Type': 'application/json' };
    };
    const viewer = await token('viewer', 'read');
    const admin = await token('admin', '*');
    for (const [method, name] of endpoints) {
      const body = method === 'POST' ? JSON.stringify({ node: 'x', kind: 'job', id: 'y' }) : undefined;
      const asViewer = await request(`${red.url}/fulfillment/activity/${name}`, method, viewer, body);
      // Node-RED answers a missing permission with 401 too.
      assert.strictEqual(asViewer.status, method === 'GET' ? 200 : 401, `${method} ${name} as a read-only user`);
      const asAdmin = await request(`${red.url}/fulfillment/activity/${name}`, method, admin, body);
      assert.strictEqual(asAdmin.status, method === 'GET' ? 200 : 404, `${method} ${name} as admin (no such node: 404)`);
    }
    await context.close();
  });
});

describe('operations sidebar on Node-RED 5 (a real process on Node 22)', function () {
  this.timeout(90_000);
  let sandbox: Sandbox;
  let red: NodeRedProcess | undefined;
  let browser: Browser | undefined;
  // Node-RED 5 and Node 22 live in scripts/node-red-5/ (npm test installs them first).
  const nodeRed5 = (require(path.resolve(__dirname, '..', '..', '..', 'scripts', 'node-red-5.js')) as { locate(): { node22: string; redJs: string } | undefined }).locate();
  before(function () {
    if (!chromiumInstalled() || !nodeRed5) this.skip();
  });
  after(async () => {
    await browser?.close();
    await red?.stop();
    await sandbox?.stop();
  });

  it('adds the sidebar tab and lists the watched jobs live', async () => {
    sandbox = new Sandbox();
    await sandbox.start();
    const userDir = makeUserDir(flows(sandbox), CREDS);
    fs.appendFileSync(path.join(userDir, 'settings.js'), EDITOR_SETTINGS);
    red = await startNodeRed(userDir, nodeRed5?.node22, nodeRed5?.redJs);
    assert.match(red.output(), /Node-RED version: v5\./);
    assert.doesNotMatch(red.output(), /\[warn\].*fulfillment|Error loading|Failed to register/i);
    browser = await launch();
    const ed = await openEditor(browser, red.url);
    await ed.page.evaluate(() => RED.sidebar.show('fulfillment'));
    await ed.page.locator('.ff-sidebar').waitFor({ state: 'visible' });
    await inject(red, 'inj_pv');
    await ed.page.waitForFunction(() => $('.ff-section[data-section="inflight"] .ff-row .ff-bar').length >= 2, null, { timeout: 20_000 });
    await ed.page.waitForFunction(() => $('.ff-section[data-section="placed"] .ff-row').length === 1, null, { timeout: 10_000 });
    await ed.page.screenshot({ path: path.join(shots, 'sidebar-node-red-5.png') });
    assert.deepStrictEqual(ed.takeErrors(), []);
  });
});
