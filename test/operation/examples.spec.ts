/**
 * Every operation every provider documents, run with its documented example
 * through the operation node against the sandbox: the operation node needs no
 * change for a provider's new operations, and each example works as the
 * editor shows it.
 */
import assert from 'assert';
import fs from 'fs';
import path from 'path';
import { helper, allNodes, collect, catchTo } from '../support/red';
import { Sandbox } from '../../sandbox/server';
import { descriptors } from '../../nodes/providers';

const root = path.resolve(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { SANDBOX_CREDENTIALS } = require(path.join(root, 'scripts', 'userdir.js')) as { SANDBOX_CREDENTIALS: Record<string, Record<string, string>> };
const BUILT_IN = ['planviewer', 'postgreen', 'probo', 'delivergo', 'arri'];
const LANGS = ['en-US', 'de', 'nl', 'fr'];
const help = Object.fromEntries(LANGS.map((l) => [l, fs.readFileSync(path.join(root, 'nodes', 'operation', 'locales', l, 'operation.html'), 'utf8')]));
/** Message properties every node keeps or sets, documented elsewhere in the help. */
const COMMON = ['_msgid', 'payload', 'idempotencyKey'];

describe('every documented operation, with its example, through the operation node', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  before(async () => {
    sandbox = new Sandbox();
    await sandbox.start();
  });
  after(() => sandbox.stop());
  afterEach(() => helper.unload());

  const cases = descriptors()
    .filter((d) => BUILT_IN.includes(d.name))
    .flatMap((d) => d.capabilities.operations.map((op) => ({ d, op })));

  it('Planviewer lists its six operations', () => {
    assert.deepStrictEqual(cases.filter((c) => c.d.name === 'planviewer').map((c) => c.op.name), ['products', 'search', 'intentions', 'waiting', 'select', 'documents']);
  });

  for (const { d, op } of cases) {
    it(`${d.name} ${op.name} (${op.call})`, async () => {
      await helper.load(allNodes(), [
        { id: 'f1', type: 'tab' },
        { id: 'acc', type: 'fulfillment-account', provider: d.name, baseUrl: `${sandbox.url}${d.sandboxPath}`, timeout: 5000 },
        { id: 'op', type: 'fulfillment-operation', z: 'f1', account: 'acc', operation: op.name, dedupeWindow: 0, wires: [['out']] },
        { id: 'out', type: 'helper', z: 'f1' },
        ...catchTo(),
      ], { acc: SANDBOX_CREDENTIALS[d.name] });
      const out = collect('out');
      const errors = collect('errors');
      helper.getNode('op')?.receive({ payload: JSON.parse(JSON.stringify(op.example ?? null)) });
      await Promise.race([out.wait(1), errors.wait(1)]);
      assert.deepStrictEqual(errors.messages.map((m) => (m.error as { message: string }).message), [], 'the documented example works against the sandbox');
      assert.notStrictEqual(out.messages[0].payload, undefined);
      // The node's help names the operation with its call, and documents every field it sets, in every language.
      const fields = Object.keys(out.messages[0]).filter((k) => !COMMON.includes(k));
      assert.ok(fields.length > 0, 'the operation names at least one field besides msg.payload');
      for (const lang of LANGS) {
        assert.ok(help[lang].includes(`<td><code>${op.name}</code>`) && help[lang].includes(`<td><code>${op.call}</code></td>`), `${lang} help lists ${op.name} with ${op.call}`);
        for (const f of fields) assert.ok(help[lang].includes(`<dt class="optional">${f} <span`), `${lang} help documents msg.${f} of ${d.name} ${op.name}`);
      }
    });
  }
});
