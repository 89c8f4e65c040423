/** Loads an example flow as shipped, with its accounts pointed at a test's sandbox and the credentials `npm start` gives them. */
import assert from 'assert';
import fs from 'fs';
import path from 'path';
import { helper, allNodes } from '../support/red';
import { Sandbox } from '../../sandbox/server';

const root = path.resolve(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { SANDBOX_CREDENTIALS } = require(path.join(root, 'scripts', 'userdir.js')) as { SANDBOX_CREDENTIALS: Record<string, unknown> };

export function readExample(file: string): Array<Record<string, unknown>> {
  return JSON.parse(fs.readFileSync(path.join(root, 'examples', file), 'utf8')) as Array<Record<string, unknown>>;
}

export async function loadExample(file: string, sandbox: Sandbox): Promise<Array<Record<string, unknown>>> {
  const flow = readExample(file);
  const creds: Record<string, unknown> = {};
  for (const n of flow) {
    if (n.type !== 'fulfillment-account') continue;
    assert.match(String(n.baseUrl), /^http:\/\/127\.0\.0\.1:1881\//, 'examples point at the npm start sandbox');
    n.baseUrl = String(n.baseUrl).replace('http://127.0.0.1:1881', sandbox.url);
    creds[String(n.id)] = SANDBOX_CREDENTIALS[String(n.provider)];
  }
  const coreDir = path.join(path.dirname(require.resolve('@node-red/nodes/package.json')), 'core');
  const core = ['common/20-inject.js', 'common/21-debug.js', 'common/90-comment.js', 'function/15-change.js', 'function/10-switch.js'].map((f) => require(path.join(coreDir, f)));
  await helper.load([...allNodes(), ...core], flow, creds);
  return flow;
}
