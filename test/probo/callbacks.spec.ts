import assert from 'assert';
import { parseProboCallback } from '../../nodes/providers/probo/callbacks';
import { uploaderCallbackBody } from '../../sandbox/providers/probo';
import { FulfillmentError } from '../../nodes/core/errors';

const session = { id: 2395541, external_id: 67, calculation_id: 68937, callback_url: 'http://x.test/cb', status: 'confirmed' as const };

describe('Probo callbacks as events', () => {
  it('lifts the warnings of every product and side into one flat list without repeats', () => {
    const body = uploaderCallbackBody(session, 'confirmed', ['wrong_size']) as { products: Array<Record<string, unknown>> };
    const second = JSON.parse(JSON.stringify(body.products[0])) as Record<string, { warnings: string[]; file: { original_file_hash: string } }>;
    second.front_side.warnings = ['low_dpi', 'wrong_size'];
    second.front_side.file.original_file_hash = 'otherhash';
    second.back_side = JSON.parse(JSON.stringify(second.front_side));
    second.back_side.warnings = ['bleed_missing'];
    body.products.push(second);
    const [event] = parseProboCallback(body, 'uploader');
    assert.deepStrictEqual(event.fields.warnings, ['wrong_size', 'low_dpi', 'bleed_missing']);
    assert.deepStrictEqual(event.fields.uploader, { id: 2395541, external_id: 67 });
    assert.strictEqual((event.fields.files as unknown[]).length, 3);
    assert.strictEqual(event.payload, body);
  });

  it('gives the same key to a repeat and a new key to a new status or a new file', () => {
    const key = (status: string, hash?: string): string => {
      const body = uploaderCallbackBody(session, status, []) as { products: Array<{ front_side: { file: { original_file_hash: string } } }> };
      if (hash) body.products[0].front_side.file.original_file_hash = hash;
      return parseProboCallback(body)[0].dedupeKey;
    };
    assert.strictEqual(key('confirmed'), key('confirmed'));
    assert.notStrictEqual(key('confirmed'), key('processed'));
    assert.notStrictEqual(key('confirmed'), key('confirmed', 'a-new-upload'));
  });

  it('reads order callbacks, with tracking, keyed by order id and status', () => {
    const [a] = parseProboCallback({ id: 'web-1', status: 'shipped', shipments: [{ carrier: 'DHL', tracking_code: 'T1', tracking_url: 'https://t/1' }, { carrier: 'DHL' }] }, 'order');
    const [b] = parseProboCallback({ order_id: 'web-1', order_status: 'shipped' });
    assert.strictEqual(a.fields.eventType, 'order');
    assert.deepStrictEqual(a.fields.tracking, [{ carrier: 'DHL', tracking_code: 'T1', tracking_url: 'https://t/1' }]);
    assert.strictEqual(a.dedupeKey, b.dedupeKey);
    assert.notStrictEqual(a.dedupeKey, parseProboCallback({ id: 'web-1', status: 'delivered' })[0].dedupeKey);
  });

  it('refuses what is not a Probo callback with invalid_input', () => {
    const bad: Array<[unknown, string | undefined, string]> = [
      [[], undefined, 'body'],
      [{ status: 'confirmed', products: [] }, 'uploader', 'body.id'],
      [{ id: 1, products: [] }, 'uploader', 'body.status'],
      [{ id: 1, status: 'confirmed', products: 'x' }, 'uploader', 'body.products'],
      [{ status: 'accepted' }, 'order', 'body.id'],
      [{ id: 1, status: 'accepted' }, 'shipment', 'kind'],
    ];
    for (const [body, kind, field] of bad) {
      assert.throws(() => parseProboCallback(body, kind), (e: FulfillmentError) => e.kind === 'invalid_input' && e.field === field);
    }
  });
});
