/**
 * Runs Node-RED as a real separate process, the way a user runs it: the
 * package installed in the user directory's node_modules (a symlink to this
 * checkout), a settings file, a flows file and credentials.
 */
import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import http from 'http';
import os from 'os';
import path from 'path';

const root = path.resolve(__dirname, '..', '..', '..');

export interface NodeRedProcess {
  url: string;
  /** The process id (benchmarks read its memory from /proc). */
  pid: number;
  userDir: string;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function makeUserDir(flows: unknown[], credentials: Record<string, unknown>, contextDir?: string, extraSettings = ''): string {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nr-user-'));
  fs.mkdirSync(path.join(userDir, 'node_modules'));
  fs.symlinkSync(root, path.join(userDir, 'node_modules', 'node-red-contrib-fulfillment'), 'dir');
  fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flows));
  fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify(credentials));
  const context = JSON.stringify(contextDir ?? path.join(userDir, 'context'));
  fs.writeFileSync(
    path.join(userDir, 'settings.js'),
    `module.exports = {
  uiHost: '127.0.0.1', uiPort: 0, flowFile: 'flows.json', credentialSecret: false,
  telemetry: { enabled: false, updateNotification: false },
  editorTheme: { tours: false },
  contextStorage: { default: { module: 'localfilesystem', config: { dir: ${context}, cache: false } } },
  logging: { console: { level: 'info' } },
  ${extraSettings}
};
`,
  );
  return userDir;
}

export async function startNodeRed(userDir: string, nodeBinary = process.execPath, redJs = require.resolve('node-red/red.js'), env: NodeJS.ProcessEnv = {}): Promise<NodeRedProcess> {
  let out = '';
  const child: ChildProcess = spawn(nodeBinary, [redJs, '--userDir', userDir, '--settings', path.join(userDir, 'settings.js'), '--port', '0'], {
    cwd: userDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Node-RED did not start:\n${out}`)), 30_000);
    const check = setInterval(() => {
      const m = /Server now running at (http:\/\/[^/\s]+)/.exec(out);
      if (m && /Started flows/.test(out)) {
        clearInterval(check);
        clearTimeout(timer);
        resolve(m[1]);
      }
    }, 50);
    child.on('exit', () => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`Node-RED exited:\n${out}`));
    });
  });
  return {
    url,
    pid: child.pid ?? 0,
    userDir,
    output: () => out,
    stop: (signal = 'SIGINT') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

export interface Answer {
  status: number;
  body: string;
  /** Its Content-Type. */
  type?: string;
}

/** One HTTP request on a new connection: a kept-alive one that the busy server closes as it is reused would be ECONNRESET. */
export function request(url: string, method = 'GET', headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: false, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, type: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function post(url: string, body?: unknown): Promise<Answer> {
  const data = body === undefined ? '' : JSON.stringify(body);
  return request(url, 'POST', { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(data)) }, data);
}

/** The JSON of a GET that must answer 200. */
export async function getJson<R>(url: string): Promise<R> {
  const answer = await request(url);
  if (answer.status !== 200) throw new Error(`${answer.status} ${answer.body}`);
  return JSON.parse(answer.body) as R;
}

export async function waitUntil(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
