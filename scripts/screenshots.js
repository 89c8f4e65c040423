#!/usr/bin/env node
// Refreshes docs/screenshots/ from the browser suite (test/browser: the node
// dialogs and the operations sidebar): the same
// run as in `npm test`, with the pictures written into docs/ instead of a
// temporary folder. Run after `npm run build`; commit the changed PNGs.
'use strict';
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const r = spawnSync(
  process.execPath,
  [require.resolve('mocha/bin/mocha.js'), '--no-config', '--require', 'dist/test/support/crash-guard.js', '--timeout', '60000', '--exit', 'dist/test/browser/editor.spec.js', 'dist/test/browser/sidebar.spec.js'],
  { cwd: root, stdio: 'inherit', env: { ...process.env, FULFILLMENT_SCREENSHOTS: 'docs' } },
);
process.exit(r.status ?? 1);
