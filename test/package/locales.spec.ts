/**
 * The editor's message catalogs and the nodes' help, in every language the
 * package speaks. Every node with an editor has an en-US catalog and an en-US
 * help file, and de / nl / fr have both too, with exactly the catalog keys of
 * en-US and a help file of the same outline: a key missing there would quietly
 * show English, one only there would never show; a help section missing in one
 * language would leave those users without it.
 */
import assert from 'assert';
import fs from 'fs';
import path from 'path';
import { helpOutline, HelpOutline, HELP_HEADINGS } from '../support/help-outline';

const root = path.resolve(__dirname, '..', '..', '..');
const nodesDir = path.join(root, 'nodes');
const LANGS = ['de', 'nl', 'fr'];

/**
 * Strings that read the same in English and in that language. Anything else
 * identical to en-US is a string nobody translated.
 */
const SAME_AS_ENGLISH: Record<string, string[]> = {
  de: ['Name', 'Login', 'Box', 'Operation', 'calculation_id', 'live', 'HTTP __status__', 'MB', 'KB'],
  nl: ['Account', 'Login', 'Box', 'trigger', 'job', 'order', 'resale unit', 'mail-merge (packRequirements)', 'calculation_id', 'sandbox', 'live', 'HTTP __status__', 'MB', 'KB', 'callback'],
  fr: ['Secret', 'Options', 'Mode', 'Action', 'job', 'resale unit', 'Node-RED <date>', 'calculation_id', 'HTTP __status__', 'callback'],
};

function keys(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return [prefix];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

function valueAt(value: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), value);
}

function catalog(node: string, lang: string): unknown {
  const file = path.join(nodesDir, node, 'locales', lang, `${node}.json`);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
}

function helpFile(node: string, lang: string): string {
  return path.join(nodesDir, node, 'locales', lang, `${node}.html`);
}

function help(node: string, lang: string): HelpOutline | undefined {
  const file = helpFile(node, lang);
  return fs.existsSync(file) ? helpOutline(fs.readFileSync(file, 'utf8')) : undefined;
}

/** What differs between the en-US outline and a translation's, in words (empty: the same). */
function outlineDifferences(en: HelpOutline, other: HelpOutline, lang: string): string[] {
  const out: string[] = [];
  const expected = en.sections.map((s) => HELP_HEADINGS[s.heading]?.[lang] ?? `(no ${lang} word for ${s.heading})`);
  const got = other.sections.map((s) => s.heading);
  // Section by section only when the sections match: otherwise every later one would differ too.
  if (JSON.stringify(expected) !== JSON.stringify(got)) return [`sections: expected ${expected.join(' / ')}, got ${got.join(' / ')}`];
  en.sections.forEach((s, i) => {
    const o = other.sections[i];
    const where = `${s.heading} (${o.heading})`;
    if (o.subsections !== s.subsections) out.push(`${where}: ${o.subsections} <h4> sub-sections, en-US has ${s.subsections}`);
    if (o.ports !== s.ports) out.push(`${where}: ${o.ports} node-ports entries, en-US has ${s.ports}`);
    // Message properties keep their names; elsewhere (the account's settings) the labels are translated.
    const messageSection = s.heading === 'Inputs' || s.heading === 'Outputs';
    if (messageSection && JSON.stringify(o.properties) !== JSON.stringify(s.properties)) {
      out.push(`${where}: properties ${o.properties.join(', ')}; en-US has ${s.properties.join(', ')}`);
    }
    if (!messageSection && o.properties.length !== s.properties.length) out.push(`${where}: ${o.properties.length} <dt>s, en-US has ${s.properties.length}`);
    const missing = s.code.filter((c) => !o.code.includes(c));
    const extra = o.code.filter((c) => !s.code.includes(c));
    if (missing.length) out.push(`${where}: lacks the code ${missing.join(' | ')}`);
    if (extra.length) out.push(`${where}: has code that en-US lacks: ${extra.join(' | ')}`);
  });
  return out;
}

const withEditor = fs.readdirSync(nodesDir).filter((d) => fs.existsSync(path.join(nodesDir, d, `${d}.html`)));

describe('package: editor message catalogs', () => {
  const withCatalog = fs.readdirSync(nodesDir).filter((d) => fs.existsSync(path.join(nodesDir, d, 'locales', 'en-US', `${d}.json`)));

  it('every node with an editor has a catalog, uses it in its editor, and the catalogs are built beside the node', () => {
    assert.deepStrictEqual(withCatalog, withEditor);
    assert.ok(withCatalog.length >= 12, withCatalog.join(', '));
    for (const node of withCatalog) {
      const html = fs.readFileSync(path.join(nodesDir, node, `${node}.html`), 'utf8');
      assert.ok(html.includes(`'${node}.`) || html.includes(`"${node}.`), `${node}.html uses its catalog`);
      const built = path.join(root, 'dist', 'nodes', node, 'locales', 'en-US', `${node}.json`);
      assert.ok(fs.existsSync(built), `${built} is built`);
    }
  });

  it('every editor loads the shared toolkit from resources/, which the package ships', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { files: string[] };
    assert.ok(pkg.files.includes('resources/'), 'package.json files lists resources/');
    assert.match(fs.readFileSync(path.join(root, 'resources', 'editor.js'), 'utf8'), /window\.FulfillmentEditor = /);
    for (const node of withEditor) {
      const html = fs.readFileSync(path.join(nodesDir, node, `${node}.html`), 'utf8');
      assert.match(html, /^<script type="text\/javascript" src="resources\/node-red-contrib-fulfillment\/editor\.js"><\/script>/, `${node}.html loads the toolkit first`);
      assert.doesNotMatch(html, /window\.FulfillmentEditor = /, `${node}.html defines no shared editor code`);
    }
  });

  it('the toolkit\'s strings are in the account catalog, in every language', () => {
    const toolkit = fs.readFileSync(path.join(root, 'resources', 'editor.js'), 'utf8');
    const used = [...toolkit.matchAll(/\bt\('([\w.]+)'/g)].map((m) => `editor.${m[1]}`);
    used.push(...[...toolkit.matchAll(/shared\('([\w.]+)'\)/g)].map((m) => `editor.${m[1]}`));
    assert.ok(used.length > 5, used.join(', '));
    for (const lang of ['en-US', ...LANGS]) {
      const account = new Set(keys(catalog('account', lang)));
      for (const k of used) assert.ok(account.has(k), `${lang}: ${k}`);
    }
  });

  for (const lang of LANGS) {
    it(`${lang}: every node has a catalog with exactly the keys of en-US`, () => {
      for (const node of withCatalog) {
        const other = catalog(node, lang);
        assert.ok(other !== undefined, `nodes/${node}/locales/${lang}/${node}.json is missing`);
        assert.deepStrictEqual(keys(other).sort(), keys(catalog(node, 'en-US')).sort(), `${node} in ${lang}`);
      }
    });

    it(`${lang}: no string is left in English`, () => {
      const untranslated: string[] = [];
      for (const node of withCatalog) {
        const en = catalog(node, 'en-US');
        const other = catalog(node, lang);
        for (const key of keys(en)) {
          const value = valueAt(other, key);
          if (value === valueAt(en, key) && !SAME_AS_ENGLISH[lang].includes(String(value))) untranslated.push(`${node}: ${key} = ${JSON.stringify(value)}`);
        }
      }
      assert.deepStrictEqual(untranslated, []);
    });
  }

  it('keys used in the editor templates exist in en-US', () => {
    for (const node of withCatalog) {
      const html = fs.readFileSync(path.join(nodesDir, node, `${node}.html`), 'utf8');
      const en = new Set(keys(catalog(node, 'en-US')));
      const used = [...html.matchAll(/data-i18n="(?:\[[a-z]+\])?([\w.-]+)"/g)].map((m) => m[1]);
      for (const k of used) assert.ok(en.has(k), `${node}: ${k}`);
      // Any complete quoted key of this node's catalog: this._('…'), validators' message keys.
      const quoted = [...html.matchAll(new RegExp(`'(${node}\\.[\\w.-]*\\w)'`, 'g'))].map((m) => m[1]);
      for (const k of quoted) assert.ok(en.has(k), `${node}: ${k}`);
      // Labels and units of the toolkit's rows (data-label="…", data-unit="…").
      const rows = [...html.matchAll(/data-(?:label|unit)="([\w.-]+)"/g)].map((m) => m[1]);
      for (const k of rows) assert.ok(en.has(k), `${node}: ${k}`);
    }
  });

  it('the status texts the nodes show are in their catalogs (shared ones in the account\'s)', () => {
    let seen = 0;
    for (const node of withCatalog) {
      const file = path.join(nodesDir, node, `${node}.ts`);
      const source = fs.readFileSync(file, 'utf8');
      const bound = /statusTexts\(RED, node, '([\w-]+)'\)/.exec(source);
      if (!bound) continue;
      assert.strictEqual(bound[1], node, `${node}.ts reads its own catalog`);
      const en = new Set(keys(catalog(node, 'en-US')));
      for (const m of source.matchAll(/\bsay\('(\w+)'/g)) {
        seen++;
        assert.ok(en.has(`${node}.status.${m[1]}`), `${node}: ${node}.status.${m[1]}`);
      }
    }
    assert.ok(seen >= 20, `status texts found: ${seen}`);
    const shared = fs.readFileSync(path.join(nodesDir, 'runtime', 'status.ts'), 'utf8');
    const account = new Set(keys(catalog('account', 'en-US')));
    for (const m of shared.matchAll(/\bsay\('(\w+)'/g)) assert.ok(account.has(`account.status.${m[1]}`), `account.status.${m[1]}`);
  });
});

describe('package: node help in every language', () => {
  it('every node with an editor has its help in en-US, and only there, not in the editor file', () => {
    assert.ok(withEditor.length >= 12, withEditor.join(', '));
    for (const node of withEditor) {
      const editor = fs.readFileSync(path.join(nodesDir, node, `${node}.html`), 'utf8');
      assert.doesNotMatch(editor, /data-help-name=/, `${node}.html still holds help: it belongs in locales/<lang>/${node}.html`);
      const en = help(node, 'en-US');
      assert.ok(en, `${path.relative(root, helpFile(node, 'en-US'))} is missing`);
      assert.strictEqual(en.type, `fulfillment-${node}`, `${node}: one <script type="text/html" data-help-name="fulfillment-${node}"> block`);
      assert.ok(en.summary.length > 20, `${node}: a summary paragraph before the first section`);
      const headings = en.sections.map((s) => s.heading);
      const order = Object.keys(HELP_HEADINGS);
      for (const h of headings) assert.ok(order.includes(h), `${node}: section "${h}" is not one of ${order.join(', ')}`);
      assert.deepStrictEqual(headings, [...headings].sort((a, b) => order.indexOf(a) - order.indexOf(b)), `${node}: sections in the order ${order.join(', ')}`);
      assert.ok(headings.includes('Details') && headings.includes('References'), `${node}: Details and References`);
      const built = path.join(root, 'dist', 'nodes', node, 'locales', 'en-US', `${node}.html`);
      assert.ok(fs.existsSync(built), `${built} is built`);
    }
  });

  for (const lang of LANGS) {
    it(`${lang}: every node has its help, with the sections, properties, ports and code of en-US`, () => {
      const problems: string[] = [];
      for (const node of withEditor) {
        const en = help(node, 'en-US');
        const other = help(node, lang);
        if (!en) continue; // reported by the en-US test
        if (!other) {
          problems.push(`${node}: ${path.relative(root, helpFile(node, lang))} is missing`);
          continue;
        }
        if (other.type !== en.type) problems.push(`${node}: data-help-name "${other.type}", expected "${en.type}"`);
        if (other.summary.length < 20) problems.push(`${node}: no summary paragraph`);
        for (const d of outlineDifferences(en, other, lang)) problems.push(`${node}: ${d}`);
      }
      assert.deepStrictEqual(problems, []);
    });
  }

  it('speaks of the provider\'s documentation, never of seeds or excerpts', () => {
    for (const node of withEditor) {
      for (const lang of ['en-US', ...LANGS]) {
        const file = helpFile(node, lang);
        if (fs.existsSync(file)) assert.doesNotMatch(fs.readFileSync(file, 'utf8'), /\bseeds?\b|\bexcerpts?\b/i, path.relative(root, file));
      }
    }
  });

  it('names the other nodes as that language\'s palette does, not by their English names', () => {
    const quotes: Record<string, [string, string]> = { de: ['„', '“'], nl: ['"', '"'], fr: ['« ', ' »'] };
    const found: string[] = [];
    for (const lang of LANGS) {
      const label = (node: string, l: string): string | undefined => {
        const v = valueAt(catalog(node, l), `${node}.paletteLabel`);
        return typeof v === 'string' ? v : undefined;
      };
      const names = withEditor
        .map((n) => [label(n, 'en-US'), label(n, lang)])
        .filter((pair): pair is [string, string] => !!pair[0] && !!pair[1] && pair[0] !== pair[1]);
      const [open, close] = quotes[lang];
      for (const node of withEditor) {
        const file = path.join(nodesDir, node, 'locales', lang, `${node}.html`);
        if (!fs.existsSync(file)) continue;
        const text = fs.readFileSync(file, 'utf8');
        for (const [en, own] of names) {
          for (const written of [`${open}${en}${close}`, `<b>${en}</b>`]) if (text.includes(written)) found.push(`${path.relative(root, file)}: ${written} (the palette says ${own})`);
        }
      }
    }
    assert.deepStrictEqual(found, []);
  });
});
