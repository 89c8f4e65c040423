/**
 * Example flows as shipped, loaded into the test runtime against a test's own
 * sandbox. Kept out of the spec files: a spec that another spec imports has
 * its tests registered, and run, twice.
 */
import assert from 'assert';
import fs from 'fs';
import path from 'path';
import { helper, allNodes, delay } from './red';
import { Sandbox } from '../../sandbox/server';

/** The package's folder (tests run from dist/test). */
export const root = path.resolve(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { SANDBOX_CREDENTIALS } = require(path.join(root, 'scripts', 'userdir.js')) as { SANDBOX_CREDENTIALS: Record<string, unknown> };

/** Loads an example flow with its account pointed at this test's sandbox, with the credentials `npm start` gives it. */
export async function loadExample(file: string, sandbox: Sandbox): Promise<Array<Record<string, unknown>>> {
  const flow = JSON.parse(fs.readFileSync(path.join(root, 'examples', file), 'utf8')) as Array<Record<string, unknown>>;
  const creds: Record<string, unknown> = {};
  for (const n of flow) {
    if (n.type !== 'fulfillment-account') continue;
    assert.match(String(n.baseUrl), /^http:\/\/127\.0\.0\.1:1881\//, 'examples point at the npm start sandbox');
    n.baseUrl = String(n.baseUrl).replace('http://127.0.0.1:1881', sandbox.url);
    creds[String(n.id)] = SANDBOX_CREDENTIALS[String(n.provider)];
  }
  const core = ['20-inject.js', '21-debug.js', '90-comment.js'].map((f) => require(path.join(path.dirname(require.resolve('@node-red/nodes/package.json')), 'core', 'common', f)));
  await helper.load([...allNodes(), ...core], flow, creds);
  return flow;
}

export async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await delay(50);
  }
}
