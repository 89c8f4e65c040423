import assert from 'assert';
import { helper } from '../support/red';

describe('the runtime the node suites run on', () => {
  it('is the Node-RED major version this run asked for', () => {
    const version = (helper as unknown as { _RED: { version(): string } })._RED.version();
    // scripts/test-node-red-5.js points NODE_RED_RUNTIME at scripts/node-red-5/node_modules/node-red.
    const expected = /node-red-5/.test(process.env.NODE_RED_RUNTIME ?? '') ? '5.' : '4.';
    assert.ok(version.startsWith(expected), `runtime ${version}, expected ${expected}x`);
  });
});
