/**
 * The editor's message catalogs: every node with an editor has an en-US
 * catalog, and the de / nl / fr catalogs hold exactly its keys (a key missing
 * there would quietly show English; one only there would never show).
 */
import assert from 'assert';
import fs from 'fs';
import path from 'path';

const root = path.resolve(__dirname, '..', '..', '..');
const nodesDir = path.join(root, 'nodes');
const LANGS = ['de', 'nl', 'fr'];

function keys(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return [prefix];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

function catalog(node: string, lang: string): unknown {
  const file = path.join(nodesDir, node, 'locales', lang, `${node}.json`);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
}

describe('package: editor message catalogs', () => {
  const withCatalog = fs.readdirSync(nodesDir).filter((d) => fs.existsSync(path.join(nodesDir, d, 'locales', 'en-US', `${d}.json`)));

  it('every node with a catalog uses it in its editor, and the catalogs are built beside the node', () => {
    assert.ok(withCatalog.length >= 4, withCatalog.join(', '));
    for (const node of withCatalog) {
      const html = fs.readFileSync(path.join(nodesDir, node, `${node}.html`), 'utf8');
      assert.ok(html.includes(`'${node}.`) || html.includes(`"${node}.`), `${node}.html uses its catalog`);
      const built = path.join(root, 'dist', 'nodes', node, 'locales', 'en-US', `${node}.json`);
      assert.ok(fs.existsSync(built), `${built} is built`);
    }
  });

  it('loads the account editor first: it defines FulfillmentEditor, which the other editors use', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } };
    const order = Object.keys(pkg['node-red'].nodes);
    assert.strictEqual(order[0], 'fulfillment-account');
    assert.match(fs.readFileSync(path.join(nodesDir, 'account', 'account.html'), 'utf8'), /window\.FulfillmentEditor = /);
  });

  for (const lang of LANGS) {
    it(`${lang}: each catalog has exactly the keys of en-US`, () => {
      for (const node of withCatalog) {
        const en = keys(catalog(node, 'en-US')).sort();
        const other = catalog(node, lang);
        if (other === undefined) continue; // a node translated later falls back to English
        assert.deepStrictEqual(keys(other).sort(), en, `${node} in ${lang}`);
      }
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
    }
  });
});
