#!/usr/bin/env node
// Compiles the TypeScript, then places each node's editor .html, locales and the
// shared icons beside its compiled .js: Node-RED loads `x.html` next to `x.js`
// and looks for icons in an `icons/` folder beside each node file.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', root], { stdio: 'inherit' });

function copyTree(from, to, filter) {
  if (!fs.existsSync(from)) return;
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(src, dst, filter);
    else if (filter(src)) {
      fs.mkdirSync(path.dirname(dst), { recursive: true });
      fs.copyFileSync(src, dst);
    }
  }
}

const nodesSrc = path.join(root, 'nodes');
const nodesDist = path.join(dist, 'nodes');
copyTree(nodesSrc, nodesDist, (f) => f.endsWith('.html') || f.includes(`${path.sep}locales${path.sep}`));
for (const entry of fs.readdirSync(nodesSrc, { withFileTypes: true })) {
  if (!entry.isDirectory()) continue;
  if (fs.existsSync(path.join(nodesSrc, entry.name, `${entry.name}.html`))) {
    copyTree(path.join(root, 'icons'), path.join(nodesDist, entry.name, 'icons'), () => true);
  }
}
copyTree(path.join(root, 'sandbox', 'assets'), path.join(dist, 'sandbox', 'assets'), () => true);
