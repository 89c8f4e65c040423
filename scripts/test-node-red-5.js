#!/usr/bin/env node
// Runs the node suites (real flows in the test helper's runtime) again on
// Node-RED 5, with the Node 22 binary both come with (scripts/node-red-5.js
// installs them on demand).
'use strict';
const path = require('path');
const { spawnSync } = require('child_process');
const { ensure } = require('./node-red-5');

let found;
try {
  found = ensure();
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
if (found.skipped) {
  console.log(`Node-RED 5 suite skipped: ${found.skipped}`);
  process.exit(0);
}
const root = path.resolve(__dirname, '..');
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
// The node suites; core units and the process-level e2e tests do not depend on the runtime's version.
const specs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['dist/test/**/*.spec.js'];
const ignore = ['dist/test/core/**', 'dist/test/e2e/**', 'dist/test/package/**', 'dist/test/reliability/**', 'dist/test/browser/**'].flatMap((g) => ['--ignore', g]);
console.log(`\nNode-RED 5 on ${spawnSync(found.node22, ['-v']).stdout.toString().trim()}: ${specs.join(' ')}`);
const run = spawnSync(found.node22, [mocha, '--no-config', '--parallel', '--jobs', '4', '--require', 'dist/test/support/crash-guard.js', '--timeout', '30000', '--exit', ...ignore, ...specs], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_RED_RUNTIME: found.redDir },
});
process.exit(run.status === null ? 1 : run.status);
