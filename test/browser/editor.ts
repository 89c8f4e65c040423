/**
 * A Node-RED editor in Debian's chromium, driven with playwright-core: the
 * browser launch, the console-error watch and the editor actions the browser
 * suite needs. Everything here talks to the editor the way a user's clicks
 * do (RED.editor / RED.sidebar are the same calls the UI makes).
 */
import fs from 'fs';
import { chromium, Browser, BrowserContext, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

// The editor's globals; they exist only inside page.evaluate (in the browser).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const RED: any;
declare const $: any;
declare const document: any;
declare function getComputedStyle(el: unknown): { fontSize: string; fontFamily: string; paddingLeft: string; paddingRight: string };

export function chromiumInstalled(): boolean {
  try {
    fs.accessSync(CHROMIUM, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

export interface EditorPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught page errors since the last `takeErrors()`. */
  takeErrors(): string[];
}

/**
 * Opens the editor and waits until the flows are loaded. Requests that leave
 * loopback are refused, so an editor that tries to reach the internet shows up
 * as a console error instead of quietly hanging.
 */
export async function openEditor(browser: Browser, url: string, locale = 'en-US'): Promise<EditorPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 760 }, locale });
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    return host === '127.0.0.1' || host === 'localhost' ? route.continue() : route.abort();
  });
  const page = await context.newPage();
  let errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  // The console says only "Failed to load resource"; this says which one.
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  await page.goto(`${url}/`, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => typeof RED !== 'undefined' && RED.nodes && RED.nodes.version() && $('.red-ui-flow-node-group').length > 0, null, { timeout: 30_000 });
  // Trays slide in with CSS transitions; the tests need not watch them slide.
  await page.addStyleTag({ content: '.red-ui-tray, .red-ui-tray * { transition: none !important; }' });
  return {
    page,
    context,
    takeErrors: () => {
      const e = errors;
      errors = [];
      return e;
    },
  };
}

const TRAY = '.red-ui-tray';

/** Opens a node's edit dialog (config nodes too) and waits until it is filled. */
export async function openDialog(page: Page, id: string): Promise<'node' | 'config'> {
  const kind = await page.evaluate((nodeId: string) => {
    const n = RED.nodes.node(nodeId);
    if (!n) throw new Error(`no node ${nodeId} in the editor`);
    if (n._def.category === 'config') {
      RED.editor.editConfig('', n.type, n.id);
      return 'config' as const;
    }
    RED.editor.edit(n);
    return 'node' as const;
  }, id);
  const ok = kind === 'config' ? '#node-config-dialog-ok' : '#node-dialog-ok';
  await page.locator(ok).waitFor({ state: 'visible' });
  // The tray slides in; wait until it stopped moving before anyone looks at it.
  await page.waitForFunction((sel: string) => {
    const el = $(sel).last();
    const left = el.offset() && el.offset().left;
    const same = el.data('fulfillmentLeft') === left;
    el.data('fulfillmentLeft', left);
    return same;
  }, TRAY, { polling: 50 });
  return kind;
}

export async function closeDialog(page: Page, kind: 'node' | 'config', button: 'ok' | 'cancel'): Promise<void> {
  const before = await page.locator(TRAY).count();
  await page.click(kind === 'config' ? `#node-config-dialog-${button}` : `#node-dialog-${button}`);
  await page.waitForFunction((n: number) => $('.red-ui-tray').length < n, before);
}

export async function screenshotDialog(page: Page, file: string): Promise<void> {
  await page.locator(TRAY).last().screenshot({ path: file });
}

export interface HelpView {
  title: string;
  text: string;
  headings: string[];
}

/** Shows a node type's help in the help sidebar and reads what it rendered. */
export async function showHelp(page: Page, type: string): Promise<HelpView> {
  return page.evaluate((t: string) => {
    RED.sidebar.help.show(t);
    const title = $('h1.red-ui-help-title:visible').last();
    const body = title.parent().find('.red-ui-help').first();
    return {
      title: title.text(),
      text: body.text().trim(),
      headings: body.find('h3').map((_i: number, h: unknown) => $(h).text().trim()).get(),
    };
  }, type);
}

/** Opens the dialog of a new config node of `type` (the "Add new …" of a config select). */
export async function openNewConfig(page: Page, type: string): Promise<void> {
  await page.evaluate((t: string) => RED.editor.editConfig('', t, '_ADD_'), type);
  await page.locator('#node-config-dialog-ok').waitFor({ state: 'visible' });
  await page.waitForFunction((sel: string) => {
    const el = $(sel).last();
    const left = el.offset() && el.offset().left;
    const same = el.data('fulfillmentLeft') === left;
    el.data('fulfillmentLeft', left);
    return same;
  }, TRAY, { polling: 50 });
}

export interface ShownText {
  /** The element's data-i18n attribute, e.g. `[placeholder]node-red-contrib-fulfillment/fulfillment-x:x.label.y`. */
  i18n: string;
  text: string;
  placeholder: string | undefined;
}

/** Every translated text the open dialog shows (elements with data-i18n), and the visible labels of its rows. */
export async function dialogTexts(page: Page): Promise<{ shown: ShownText[]; labels: string[] }> {
  // The form is filled (and translated) once the dialog is built.
  await page.waitForFunction(() => $('.red-ui-tray').last().find('form [data-i18n]').length > 0, null, { timeout: 10_000 });
  return page.evaluate(() => {
    const form = $('.red-ui-tray').last().find('form').first();
    const shown: Array<{ i18n: string; text: string; placeholder: string | undefined }> = [];
    form.find('[data-i18n]').each((_i: number, el: unknown) => {
      const e = $(el);
      // Hidden rows (another mode's fields) still count: a user may switch to them.
      shown.push({ i18n: e.attr('data-i18n'), text: e.text().trim(), placeholder: e.attr('placeholder') });
    });
    const labels = form.find('.form-row:visible > label').map((_i: number, l: unknown) => $(l).text().trim()).get();
    return { shown, labels };
  });
}

/** The visible row labels of the open dialog whose text does not fit their box (it would run under the field). */
export async function overflowingLabels(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    $('.red-ui-tray')
      .last()
      .find('form .form-row:visible > label')
      .filter((_i: number, l: { clientWidth: number; scrollWidth: number }) => l.clientWidth > 0 && l.scrollWidth > l.clientWidth + 1)
      .map((_i: number, l: { clientWidth: number; scrollWidth: number }) => `${$(l).text().trim()} (${l.scrollWidth} > ${l.clientWidth} px)`)
      .get(),
  );
}

/**
 * The visible drop-downs of the open dialog (not the config-node pickers,
 * which show the user's own names) whose chosen text is wider than the box.
 */
export async function cutOffSelects(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const canvas = document.createElement('canvas').getContext('2d');
    if (!canvas) return [];
    return $('.red-ui-tray')
      .last()
      .find('form .form-row:visible > select:visible')
      .filter((_i: number, s: { id: string }) => !$(s).next().is('a.red-ui-button, .red-ui-button') && !/-account$|-sharedState$/.test(s.id))
      .map((_i: number, s: { id: string; clientWidth: number }) => {
        const text = $(s).find('option:selected').text();
        const style = getComputedStyle(s);
        canvas.font = `${style.fontSize} ${style.fontFamily}`;
        // Room for the padding and the arrow.
        const room = s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 16;
        return canvas.measureText(text).width > room ? `${s.id}: "${text}"` : null;
      })
      .get();
  });
}

/**
 * Node boxes of a tab that are closer than 20 px to another (or off the
 * 940 × 700 workspace the examples are drawn for), as the editor draws them
 * in its language: an unnamed node's label is translated, and grows.
 */
export async function tabLayoutProblems(page: Page, tab: string): Promise<string[]> {
  await page.evaluate((z: string) => RED.workspaces.show(z), tab);
  await page.waitForFunction((z: string) => RED.nodes.filterNodes({ z }).every((n: any) => n.w > 0 && n.h > 0 && typeof n.x === 'number'), tab);
  return page.evaluate((z: string) => {
    const boxes = RED.nodes.filterNodes({ z }).map((n: any) => ({ name: RED.utils.getNodeLabel(n, n.type), left: n.x - n.w / 2, top: n.y - n.h / 2, right: n.x + n.w / 2, bottom: n.y + n.h / 2 }));
    const problems: string[] = [];
    for (const b of boxes) if (b.left < 0 || b.top < 0 || b.right > 940 || b.bottom > 700) problems.push(`${z}: "${b.name}" is outside 940 × 700`);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        const apart = a.right + 20 <= b.left || b.right + 20 <= a.left || a.bottom + 20 <= b.top || b.bottom + 20 <= a.top;
        if (!apart) problems.push(`${z}: "${a.name}" and "${b.name}" are less than 20 px apart`);
      }
    }
    return problems;
  }, tab);
}
