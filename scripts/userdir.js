// Prepares a Node-RED user directory that loads this package from the working
// tree (a symlink in its node_modules), imports the example flows once (the
// tab `npm start` names first, so the editor opens on it), and gives the
// example accounts sandbox credentials, encrypted like Node-RED's own with a
// credentialSecret generated once for this directory.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const SANDBOX_CREDENTIALS = {
  planviewer: { apiKey: 'sandbox-key', apiSecret: 'sandbox-secret' },
  postgreen: { username: 'sandbox', password: 'sandbox-password' },
  probo: { apiKey: 'sandbox-api-key' },
  delivergo: { apiKey: 'sandbox-key', apiSecret: 'sandbox-secret' },
  arri: { accessToken: 'sandbox-token' },
};

/**
 * Sandbox credentials for an example account: the values above, or, for a
 * provider not listed here, one value per field of its descriptor's first
 * credential set (the sandbox accepts any credentials).
 */
function sandboxCredentials(root, provider) {
  if (SANDBOX_CREDENTIALS[provider]) return SANDBOX_CREDENTIALS[provider];
  let descriptor;
  try {
    descriptor = require(path.join(root, 'dist', 'nodes', 'providers', 'index.js')).descriptorOf(provider);
  } catch {
    return undefined;
  }
  const set = descriptor && descriptor.credentialSets && descriptor.credentialSets[0];
  return set ? Object.fromEntries(set.map((key) => [key, `sandbox-${key}`])) : undefined;
}

// The example callback nodes' secret: only the sandbox calls them.
const SANDBOX_CALLBACK_SECRET = 'sandbox-callback-secret';

/** The tab `npm start` tells a newcomer to open: first in the flows, so the editor opens on it. */
const FIRST_TAB = 'pv_tab';

// The example flows name the addresses `npm start` uses by default.
const EXAMPLE_EDITOR = 'http://127.0.0.1:1880';
const EXAMPLE_SANDBOX = 'http://127.0.0.1:1881';

/**
 * The example flows, the first tab first; with `uiPort` / `sandboxPort` (PORT
 * and SANDBOX_PORT of `npm start`) their accounts point at that sandbox and
 * their callback nodes at that editor, so the examples work on other ports too.
 */
function exampleFlows(root, { uiPort = 1880, sandboxPort = 1881 } = {}) {
  const dir = path.join(root, 'examples');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const flows = files.map((f) => {
    const text = fs
      .readFileSync(path.join(dir, f), 'utf8')
      .split(EXAMPLE_SANDBOX)
      .join(`http://127.0.0.1:${sandboxPort}`)
      .split(EXAMPLE_EDITOR)
      .join(`http://127.0.0.1:${uiPort}`);
    return JSON.parse(text);
  });
  const first = flows.findIndex((nodes) => nodes.some((n) => n.type === 'tab' && n.id === FIRST_TAB));
  if (first > 0) flows.unshift(...flows.splice(first, 1));
  return flows.flat();
}

// Node-RED's credential encryption (runtime/lib/nodes/credentials.js): aes-256-ctr,
// key = sha256(credentialSecret), the IV in hex before the base64 text.
function encrypt(secret, credentials) {
  const key = crypto.createHash('sha256').update(secret).digest();
  const iv = crypto.randomBytes(16);
  const cipher = crypto.createCipheriv('aes-256-ctr', key, iv);
  return { $: iv.toString('hex') + cipher.update(JSON.stringify(credentials), 'utf8', 'base64') + cipher.final('base64') };
}

function decrypt(secret, stored) {
  const key = crypto.createHash('sha256').update(secret).digest();
  const decipher = crypto.createDecipheriv('aes-256-ctr', key, Buffer.from(stored.$.slice(0, 32), 'hex'));
  return JSON.parse(decipher.update(stored.$.slice(32), 'base64', 'utf8') + decipher.final('utf8'));
}

/** This directory's credentialSecret, made once; the flows' credentials cannot be read without it. */
function credentialSecret(userDir) {
  const file = path.join(userDir, '.credential-secret');
  if (!fs.existsSync(file)) fs.writeFileSync(file, `${crypto.randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

// Node-RED always warns that projects are off (it says so whether they are
// switched off or not mentioned): this console logger leaves that one line
// out, and prints everything else as Node-RED's own console logger does.
function settingsFile(uiPort) {
  return `const fs = require('fs');
const path = require('path');

const LEVELS = { 10: 'fatal', 20: 'error', 30: 'warn', 40: 'info', 50: 'debug', 60: 'trace', 98: 'audit', 99: 'metric' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function consoleWithoutProjectsNotice() {
  return (msg) => {
    const text = msg.msg && typeof msg.msg === 'object' && msg.msg.message ? msg.msg.message : String(msg.msg);
    if (msg.level === 30 && /^Projects disabled/.test(text)) return;
    const d = new Date();
    const time = [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
    const who = msg.type ? '[' + msg.type + ':' + (msg.name || msg.id) + '] ' : '';
    console.log(d.getDate() + ' ' + MONTHS[d.getMonth()] + ' ' + time + ' - [' + LEVELS[msg.level] + '] ' + who + text);
  };
}

module.exports = {
  uiHost: '127.0.0.1',
  uiPort: ${uiPort},
  flowFile: 'flows.json',
  // Made once for this directory by scripts/userdir.js; flows_cred.json is encrypted with it.
  credentialSecret: fs.readFileSync(path.join(__dirname, '.credential-secret'), 'utf8').trim(),
  flowFilePretty: true,
  telemetry: { enabled: false, updateNotification: false },
  diagnostics: { enabled: false, ui: false },
  contextStorage: { default: { module: 'localfilesystem' }, memory: { module: 'memory' } },
  editorTheme: { tours: false, palette: { catalogues: [] }, projects: { enabled: false } },
  logging: { console: { level: 'info', metrics: false, audit: false, handler: consoleWithoutProjectsNotice } },
};
`;
}

function readCredentials(credFile, secret) {
  let stored;
  try {
    stored = JSON.parse(fs.readFileSync(credFile, 'utf8'));
  } catch {
    return {};
  }
  if (!stored || typeof stored !== 'object') return {};
  if (typeof stored.$ !== 'string') return stored; // written before this directory had a secret
  try {
    return decrypt(secret, stored);
  } catch {
    return {};
  }
}

function prepareUserDir({ root, userDir, uiPort, sandboxPort = 1881 }) {
  fs.mkdirSync(path.join(userDir, 'node_modules'), { recursive: true });
  const link = path.join(userDir, 'node_modules', 'node-red-contrib-fulfillment');
  try {
    fs.lstatSync(link);
  } catch {
    fs.symlinkSync(root, link, 'dir');
  }
  const secret = credentialSecret(userDir);
  fs.writeFileSync(path.join(userDir, 'settings.js'), settingsFile(uiPort));
  const pkg = path.join(userDir, 'package.json');
  if (!fs.existsSync(pkg)) {
    fs.writeFileSync(pkg, JSON.stringify({ name: 'node-red-userdir', private: true, dependencies: { 'node-red-contrib-fulfillment': 'file:..' } }, null, 2));
  }
  const flowsFile = path.join(userDir, 'flows.json');
  if (!fs.existsSync(flowsFile)) fs.writeFileSync(flowsFile, JSON.stringify(exampleFlows(root, { uiPort, sandboxPort }), null, 2));
  const flows = JSON.parse(fs.readFileSync(flowsFile, 'utf8'));
  const credFile = path.join(userDir, 'flows_cred.json');
  const creds = readCredentials(credFile, secret);
  for (const n of flows) {
    if (n.type === 'fulfillment-account' && !creds[n.id]) {
      const given = sandboxCredentials(root, n.provider);
      if (given) creds[n.id] = given;
    }
    if (n.type === 'fulfillment-callback' && !creds[n.id]) creds[n.id] = { secret: SANDBOX_CALLBACK_SECRET };
  }
  fs.writeFileSync(credFile, JSON.stringify(encrypt(secret, creds), null, 2));
  const tab = flows.find((n) => n.type === 'tab' && n.id === FIRST_TAB);
  return { firstTab: tab ? { id: tab.id, label: tab.label } : undefined };
}

module.exports = { prepareUserDir, exampleFlows, sandboxCredentials, SANDBOX_CREDENTIALS, SANDBOX_CALLBACK_SECRET, FIRST_TAB };
