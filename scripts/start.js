#!/usr/bin/env node
// `npm start`: the built-in sandbox on 127.0.0.1:1881 plus Node-RED (the
// project's own dependency) on 127.0.0.1:1880, with this package loaded and
// every example flow imported, in the git-ignored user directory `.userdir/`.
// PORT and SANDBOX_PORT choose other ports; the examples are imported with them.
'use strict';
const fs = require('fs');
const path = require('path');
const http = require('http');
const net = require('net');
const { spawn } = require('child_process');

const root = path.resolve(__dirname, '..');
const userDir = path.join(root, '.userdir');
const uiPort = Number(process.env.PORT || 1880);
const sandboxPort = Number(process.env.SANDBOX_PORT || 1881);
const { Sandbox } = require(path.join(root, 'dist', 'sandbox', 'server.js'));
const { prepareUserDir } = require('./userdir');

async function main() {
  // Another Node-RED (often the user's own) on this port would answer the
  // address printed below: refuse before anything starts.
  const taken = await inUse(uiPort);
  if (taken) {
    console.error(`Something already listens on 127.0.0.1:${uiPort} (${taken}), perhaps a Node-RED of your own. PORT=<port> npm start chooses another port.`);
    process.exit(1);
  }
  const sandbox = new Sandbox();
  try {
    await sandbox.start(sandboxPort);
  } catch (e) {
    console.error(`The sandbox could not listen on 127.0.0.1:${sandboxPort} (${e.message}). Is another "npm start" running? SANDBOX_PORT=<port> chooses another port.`);
    process.exit(1);
  }
  const { firstTab } = prepareUserDir({ root, userDir, uiPort, sandboxPort });
  const red = spawn(process.execPath, [require.resolve('node-red/red.js'), '--userDir', userDir, '--settings', path.join(userDir, 'settings.js')], {
    cwd: userDir,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const stop = () => {
    red.kill('SIGINT');
    sandbox.stop().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  red.on('exit', (code) => {
    sandbox.stop().finally(() => process.exit(code || 0));
  });
  await waitFor(`http://127.0.0.1:${uiPort}/`);
  // The editor opens on the first tab; the address names it too, for a user directory from an older run.
  const editorUrl = `http://127.0.0.1:${uiPort}/${firstTab ? `#flow/${firstTab.id}` : ''}`;
  console.log([
    '',
    '  ------------------------------------------------------------------',
    `  Node-RED with node-red-contrib-fulfillment: ${editorUrl}`,
    `  Provider sandbox (accepts any credentials, no network): ${sandbox.url}`,
    '',
    `  The editor opens on the tab "${firstTab ? firstTab.label : 'Planviewer: order, poll, retrieve'}". Click the`,
    '  button of the inject node "order a product intention" and watch the',
    '  debug sidebar: order placed -> progress 0/4 .. 4/4 -> PDF written to',
    `  ${path.join(userDir, 'fulfillment-results')}`,
    '  Stop with Ctrl+C.',
    '  ------------------------------------------------------------------',
    '',
  ].join('\n'));
}

/** Why the port cannot be listened on (in use, not allowed), or '' when it is free. */
function inUse(port) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (e) => resolve(e.code || e.message));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve('')));
  });
}

function waitFor(url, tries = 300) {
  return new Promise((resolve, reject) => {
    const attempt = (left) => {
      const req = http.get(url, (res) => {
        res.resume();
        resolve();
      });
      req.on('error', () => {
        if (left <= 0) reject(new Error(`Node-RED did not answer on ${url}`));
        else setTimeout(() => attempt(left - 1), 200);
      });
    };
    attempt(tries);
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
