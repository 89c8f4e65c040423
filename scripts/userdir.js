// Prepares a Node-RED user directory that loads this package from the working
// tree (a symlink in its node_modules), imports the example flows once, and
// gives the example accounts sandbox credentials (credentialSecret is off here
// only because these are throw-away sandbox values).
'use strict';
const fs = require('fs');
const path = require('path');

const SANDBOX_CREDENTIALS = {
  planviewer: { apiKey: 'sandbox-key', apiSecret: 'sandbox-secret' },
  postgreen: { username: 'sandbox', password: 'sandbox-password' },
  probo: { apiKey: 'sandbox-api-key' },
  delivergo: { apiKey: 'sandbox-key', apiSecret: 'sandbox-secret' },
  arri: { accessToken: 'sandbox-token' },
};

// The example callback nodes' secret: only the sandbox calls them.
const SANDBOX_CALLBACK_SECRET = 'sandbox-callback-secret';

function exampleFlows(root) {
  const dir = path.join(root, 'examples');
  const nodes = [];
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    nodes.push(...JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
  }
  return nodes;
}

function settingsFile(uiPort) {
  return `module.exports = {
  uiHost: '127.0.0.1',
  uiPort: ${uiPort},
  flowFile: 'flows.json',
  credentialSecret: false,
  flowFilePretty: true,
  telemetry: { enabled: false, updateNotification: false },
  diagnostics: { enabled: false, ui: false },
  contextStorage: { default: { module: 'localfilesystem' }, memory: { module: 'memory' } },
  editorTheme: { tours: false, palette: { catalogues: [] } },
  logging: { console: { level: 'info', metrics: false, audit: false } },
};
`;
}

function prepareUserDir({ root, userDir, uiPort }) {
  fs.mkdirSync(path.join(userDir, 'node_modules'), { recursive: true });
  const link = path.join(userDir, 'node_modules', 'node-red-contrib-fulfillment');
  try {
    fs.lstatSync(link);
  } catch {
    fs.symlinkSync(root, link, 'dir');
  }
  fs.writeFileSync(path.join(userDir, 'settings.js'), settingsFile(uiPort));
  const pkg = path.join(userDir, 'package.json');
  if (!fs.existsSync(pkg)) {
    fs.writeFileSync(pkg, JSON.stringify({ name: 'node-red-userdir', private: true, dependencies: { 'node-red-contrib-fulfillment': 'file:..' } }, null, 2));
  }
  const flowsFile = path.join(userDir, 'flows.json');
  if (!fs.existsSync(flowsFile)) fs.writeFileSync(flowsFile, JSON.stringify(exampleFlows(root), null, 2));
  const flows = JSON.parse(fs.readFileSync(flowsFile, 'utf8'));
  const credFile = path.join(userDir, 'flows_cred.json');
  let creds = {};
  try {
    creds = JSON.parse(fs.readFileSync(credFile, 'utf8'));
  } catch {
    creds = {};
  }
  for (const n of flows) {
    if (n.type === 'fulfillment-account' && !creds[n.id] && SANDBOX_CREDENTIALS[n.provider]) creds[n.id] = SANDBOX_CREDENTIALS[n.provider];
    if (n.type === 'fulfillment-callback' && !creds[n.id]) creds[n.id] = { secret: SANDBOX_CALLBACK_SECRET };
  }
  fs.writeFileSync(credFile, JSON.stringify(creds, null, 2));
}

module.exports = { prepareUserDir, exampleFlows, SANDBOX_CREDENTIALS, SANDBOX_CALLBACK_SECRET };
