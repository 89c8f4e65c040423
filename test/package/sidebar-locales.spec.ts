/**
 * The operations sidebar's message catalog (a plugin's, beside its runtime
 * file: nodes/sidebar/locales/<lang>/fulfillment-sidebar.json) in en-US, de,
 * nl and fr: the same keys everywhere, every key the editor asks for present,
 * nothing left in English but words that read the same.
 */
import assert from 'assert';
import fs from 'fs';
import path from 'path';

const root = path.resolve(__dirname, '..', '..', '..');
const dir = path.join(root, 'nodes', 'sidebar');
const LANGS = ['de', 'nl', 'fr'];
/** Keys whose text may read the same as in English (units, HTTP, loan words). */
const SAME: Record<string, string[]> = {
  de: ['section.callbacks', 'filter.node', 'callback.refused', 'time.s', 'time.min', 'time.next'],
  nl: ['tab.label', 'section.callbacks', 'filter.node', 'callback.refused', 'time.s', 'time.min', 'time.d'],
  fr: ['tab.label', 'section.callbacks', 'callback.refused', 'time.s', 'time.min', 'time.h'],
};

type Catalog = Record<string, Record<string, string>>;
const catalog = (lang: string): Catalog => JSON.parse(fs.readFileSync(path.join(dir, 'locales', lang, 'fulfillment-sidebar.json'), 'utf8')) as Catalog;
const flat = (c: Catalog): Map<string, string> => new Map(Object.entries(c).flatMap(([s, v]) => Object.entries(v).map(([k, text]): [string, string] => [`${s}.${k}`, text])));
const placeholders = (text: string): string[] => [...text.matchAll(/__(\w+)__/g)].map((m) => m[1]).sort();

describe('package: the operations sidebar speaks en-US, de, nl and fr', () => {
  const en = flat(catalog('en-US'));
  const html = fs.readFileSync(path.join(dir, 'fulfillment-sidebar.html'), 'utf8');

  it('is a plugin with its editor file and catalog beside its runtime file', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { 'node-red': { plugins: Record<string, string> } };
    assert.deepStrictEqual(pkg['node-red'].plugins, { 'fulfillment-sidebar': 'dist/nodes/sidebar/fulfillment-sidebar.js' });
    for (const f of ['fulfillment-sidebar.js', 'fulfillment-sidebar.html', 'locales/en-US/fulfillment-sidebar.json']) assert.ok(fs.existsSync(path.join(root, 'dist', 'nodes', 'sidebar', f)), `${f} is built`);
    assert.match(html, /var NS = 'node-red-contrib-fulfillment\/fulfillment-sidebar';/, 'the editor reads the plugin\'s catalog namespace');
  });

  it('has every key the editor uses', () => {
    const used = [...html.matchAll(/\bt\('([\w.]+\w)'[,)]/g)].map((m) => m[1]);
    assert.ok(used.length > 30, `${used.length} keys`);
    for (const k of used) assert.ok(en.has(k), k);
    // Keys built from a section, state or verdict name.
    for (const s of ['inflight', 'placed', 'callbacks']) assert.ok(en.has(`section.${s}`) && en.has(`empty.${s}`), s);
    for (const s of ['placed', 'failed', 'unknown']) assert.ok(en.has(`state.${s}`), s);
    for (const v of ['failed', 'attention', 'timeout', 'refused']) assert.ok(en.has(`verdict.${v}`), v);
  });

  for (const lang of LANGS) {
    it(`${lang}: the keys and placeholders of en-US, and no text left in English`, () => {
      const other = flat(catalog(lang));
      assert.deepStrictEqual([...other.keys()].sort(), [...en.keys()].sort());
      const untranslated: string[] = [];
      for (const [k, text] of en) {
        assert.deepStrictEqual(placeholders(other.get(k) ?? ''), placeholders(text), `${lang} ${k}: placeholders`);
        if (other.get(k) === text && !SAME[lang].includes(k)) untranslated.push(`${k} = ${text}`);
      }
      assert.deepStrictEqual(untranslated, []);
    });
  }
});
