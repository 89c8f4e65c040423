/**
 * The palette manager's path: `npm install <tarball>` into an existing Node-RED
 * user directory, then Node-RED loads the package from there, with no warnings.
 */
import assert from 'assert';
import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { startNodeRed, NodeRedProcess } from '../support/process';

const root = path.resolve(__dirname, '..', '..', '..');

describe('install from the packed tarball into a user directory', function () {
  this.timeout(180_000);
  let red: NodeRedProcess | undefined;
  after(async () => red?.stop());

  it('installs with npm like the palette manager does and loads every node without warnings', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nr-palette-'));
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as Array<{ filename: string }>;
    const tarball = path.join(work, packed[0].filename);
    const userDir = path.join(work, 'user');
    fs.mkdirSync(userDir);
    fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true, dependencies: {} }));
    // The runtime dependencies come from npm's cache when `npm ci` filled it, else from the registry.
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--save', tarball], { cwd: userDir, stdio: ['ignore', 'ignore', 'pipe'] });
    const installed = path.join(userDir, 'node_modules', 'node-red-contrib-fulfillment');
    assert.ok(fs.existsSync(path.join(installed, 'dist', 'nodes', 'place-order', 'place-order.js')));
    assert.ok(!fs.existsSync(path.join(installed, 'test')) && !fs.existsSync(path.join(installed, 'sandbox')));
    fs.writeFileSync(path.join(userDir, 'flows.json'), '[]');
    fs.writeFileSync(
      path.join(userDir, 'settings.js'),
      "module.exports = { uiHost: '127.0.0.1', uiPort: 0, flowFile: 'flows.json', credentialSecret: false, telemetry: { enabled: false, updateNotification: false }, editorTheme: { tours: false } };\n",
    );
    red = await startNodeRed(userDir);
    const out = red.output();
    // Node-RED's own start-up notes (projects off, plain credentials) are not ours.
    const ownWarnings = out.split('\n').filter((l) => /\[(warn|error)\]/.test(l) && !/Projects disabled|unencrypted credentials/.test(l));
    assert.deepStrictEqual(ownWarnings, []);
    const nodes = (await (await fetch(`${red.url}/nodes`, { headers: { Accept: 'application/json' } })).json()) as Array<{ module: string; types: string[]; enabled: boolean; err?: string }>;
    const ours = nodes.filter((n) => n.module === 'node-red-contrib-fulfillment');
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } };
    assert.deepStrictEqual(ours.flatMap((n) => n.types).sort(), Object.keys(pkg['node-red'].nodes).sort());
    assert.ok(ours.every((n) => n.enabled && !n.err));
  });
});
