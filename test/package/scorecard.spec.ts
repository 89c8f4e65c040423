/**
 * The offline part of the flow library's scorecard (`node-red-dev validate`)
 * and what `npm pack` ships. The two checks that need the network (catalogue
 * look-ups) are not here.
 */
import assert from 'assert';
import fs from 'fs';
import path from 'path';
import { execFileSync } from 'child_process';
import semver from 'semver';

const root = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  name: string;
  license?: string;
  repository?: { url?: string };
  keywords?: string[];
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  'node-red': { version: string; nodes: Record<string, string> };
};

describe('package: scorecard checks that run offline', () => {
  it('has a license, a repository and the node-red keyword', () => {
    assert.ok(pkg.license && fs.existsSync(path.join(root, 'LICENSE')));
    assert.match(pkg.repository?.url ?? '', /^https:\/\/github\.com\/.+\.git$/);
    assert.ok(pkg.keywords?.includes('node-red'));
  });

  it('declares a node-red.version satisfied by Node-RED 4 and 5, and engines.node satisfied by Node 22.9 and 20', () => {
    for (const v of ['4.0.0', '4.1.8', '5.0.0']) assert.ok(semver.satisfies(v, pkg['node-red'].version), `node-red ${v}`);
    for (const v of ['20.0.0', '20.20.2', '22.9.0']) assert.ok(semver.satisfies(v, pkg.engines?.node ?? ''), `node ${v}`);
  });

  it('has at most 6 runtime dependencies', () => {
    assert.ok(Object.keys(pkg.dependencies ?? {}).length <= 6);
  });

  it('uses every non-config node in an example flow', () => {
    const examples = fs.readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.json'));
    const used = new Set<string>();
    for (const f of examples) for (const n of JSON.parse(fs.readFileSync(path.join(root, 'examples', f), 'utf8')) as Array<{ type: string }>) used.add(n.type);
    // Config nodes (the account, the shared state) are not placed on a flow.
    const isConfig = (js: string): boolean => /category:\s*'config'/.test(fs.readFileSync(path.join(root, js.replace(/^dist\//, '').replace(/\.js$/, '.html')), 'utf8'));
    const missing = Object.entries(pkg['node-red'].nodes).filter(([t, js]) => !isConfig(js) && !used.has(t)).map(([t]) => t);
    assert.deepStrictEqual(missing, []);
  });

  it('ships, for each node, a built .html with a literal registerType and category, its help in locales/en-US and an existing icon', () => {
    for (const [type, js] of Object.entries(pkg['node-red'].nodes)) {
      const file = path.join(root, js);
      assert.ok(fs.existsSync(file), `${type}: ${js} is built`);
      const html = fs.readFileSync(file.replace(/\.js$/, '.html'), 'utf8');
      const literal = new RegExp(`RED\\.nodes\\.registerType\\('${type}',\\s*\\{[\\s\\S]*?category:\\s*'[a-z]+'`);
      assert.match(html, literal, `${type}: literal registerType with a literal category`);
      // Help lives beside the node in locales/<lang>/, where Node-RED picks the editor's language.
      const help = path.join(path.dirname(file), 'locales', 'en-US', path.basename(file).replace(/\.js$/, '.html'));
      assert.ok(fs.existsSync(help), `${type}: ${help} is built`);
      assert.match(fs.readFileSync(help, 'utf8'), new RegExp(`data-help-name="${type}"`), `${type}: help`);
      assert.match(html, new RegExp(`data-template-name="${type}"`), `${type}: editor template`);
      const icon = /icon:\s*'([^']+)'/.exec(html);
      if (icon) assert.ok(fs.existsSync(path.join(path.dirname(file), 'icons', icon[1])), `${type}: icon ${icon[1]} beside the node`);
    }
  });

  it('packs only dist/nodes, resources (the editor toolkit), icons, examples, README, LICENSE and CHANGELOG', function () {
    this.timeout(60_000);
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const files = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path);
    const allowed = /^(dist\/nodes\/|resources\/|icons\/|examples\/|README\.md$|LICENSE$|CHANGELOG\.md$|package\.json$)/;
    assert.deepStrictEqual(files.filter((f) => !allowed.test(f)), []);
    assert.ok(files.includes('dist/nodes/place-order/place-order.js'));
    assert.ok(files.includes('resources/editor.js') && files.includes('resources/editor.css'), 'the editor toolkit is shipped');
    assert.ok(!files.some((f) => f.includes('/test/') || f.startsWith('sandbox/') || f.endsWith('.ts') && !f.endsWith('.d.ts')));
  });
});
