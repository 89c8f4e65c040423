/**
 * The address `npm start` prints for the sandbox opens a page that says what
 * it is and which base URL each provider has, not a JSON 404.
 */
import assert from 'assert';
import { Sandbox } from '../../sandbox/server';
import { request } from '../support/process';

describe('sandbox: the page at its address', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = new Sandbox();
    await sandbox.start();
  });
  after(() => sandbox.stop());

  it('names each provider with the base URL an account takes, and says that any credentials work', async () => {
    const page = await request(`${sandbox.url}/`);
    assert.strictEqual(page.status, 200);
    assert.match(page.type ?? '', /^text\/html/);
    for (const p of ['planviewer', 'postgreen', 'probo', 'delivergo'] as const) assert.ok(page.body.includes(`<code>${sandbox.providerUrl(p)}</code>`), p);
    assert.ok(page.body.includes(`<code>${sandbox.url}/arri</code>/&lt;any customer name&gt;`));
    assert.match(page.body, /accepts any credentials/);
    assert.doesNotMatch(page.body, /seed|excerpt/i);
  });
});
