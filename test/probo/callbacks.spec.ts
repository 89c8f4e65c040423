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

  it('reads order callbacks in the body Probo documents, keyed by order id and status, with tracking', () => {
    const [a] = parseProboCallback({ status: 'shipment_created', message: 'm', order: { id: 'web-1', supplier_order_number: 202012345, reference: 'r' }, packages: [{ id: 1, status_code: 'shipment_created', tracking_code: 'T1', tracking_url: 'https://t/1' }, { id: 2 }] }, 'order');
    const [b] = parseProboCallback({ status: 'order_shipment_created', order: { id: 'web-1' } });
    const [legacy] = parseProboCallback({ id: 'web-1', status: 'shipment_created', shipments: [{ carrier: 'DHL', tracking_code: 'T1' }] });
    assert.strictEqual(a.fields.eventType, 'order');
    assert.strictEqual(a.fields.outcome, 'progress');
    assert.deepStrictEqual(a.fields.order, { id: 'web-1', reference: 'r', supplier_order_number: 202012345 });
    assert.deepStrictEqual(a.fields.tracking, [{ status_code: 'shipment_created', tracking_code: 'T1', tracking_url: 'https://t/1' }]);
    assert.strictEqual(b.fields.status, 'shipment_created', 'the order_ prefix is dropped');
    assert.strictEqual(a.dedupeKey, b.dedupeKey);
    assert.strictEqual(a.dedupeKey, legacy.dedupeKey, 'the older flat body reads the same');
    assert.deepStrictEqual(a.ordering, { subject: 'probo:order:web-1', rank: 40 });
    assert.notStrictEqual(a.dedupeKey, parseProboCallback({ status: 'shipment_delivered', order: { id: 'web-1' } })[0].dedupeKey);
  });

  it('reads order_queued as queued, ranks failures above progress and delivery above carrier failures', () => {
    const rank = (status: string): number | undefined => parseProboCallback({ status, order: { id: 'o' } })[0].ordering?.rank;
    assert.strictEqual(parseProboCallback({ status: 'order_queued', order: { id: 'o' } })[0].fields.status, 'queued');
    const progress = ['queued', 'accepted', 'in_production', 'logistics', 'shipment_created', 'shipment_scanned_by_carrier', 'shipment_in_transit', 'shipment_available_at_pickup_point', 'shipment_picked_up'];
    progress.reduce((prev, s) => {
      assert.ok((rank(s) as number) > prev, `${s} ranks above the state before it`);
      return rank(s) as number;
    }, -1);
    assert.strictEqual(rank('shipment_delayed'), rank('shipment_in_transit'));
    assert.strictEqual(rank('shipment_not_at_home'), rank('shipment_in_transit'));
    for (const failure of ['not_accepted', 'canceled', 'shipment_returned', 'shipment_exception']) {
      assert.ok((rank(failure) as number) > (rank('shipment_picked_up') as number), `${failure} is never overridden by progress`);
      assert.ok((rank(failure) as number) < (rank('shipment_delivered') as number));
      assert.strictEqual(parseProboCallback({ status: failure, order: { id: 'o' } })[0].fields.outcome, 'failed');
    }
    assert.strictEqual(parseProboCallback({ status: 'shipment_delivered', order: { id: 'o' } })[0].fields.outcome, 'done');
    assert.strictEqual(rank('something_new'), undefined, 'a state Probo has not published is never held back');
  });

  it('marks a refused repeated id as duplicate, outside the first order\'s ranking; a file refusal keeps its file', () => {
    const message = "Order not accepted, reason: | Order with customer order id 'my_weborder_1234' for customer '9999' already exist";
    const [dup] = parseProboCallback({ status: 'not_accepted', message, order: { id: 'my_weborder_1234', reference: 'Banner 610 for customer X' } });
    assert.strictEqual(dup.fields.duplicate, true);
    assert.match(String(dup.fields.reason), /already exist/);
    assert.strictEqual(dup.fields.message, message);
    assert.strictEqual(dup.ordering, undefined);
    const [file] = parseProboCallback({ status: 'not_accepted', message: 'File rejected, could not be processed', file: { id: 1 }, order: { id: 'my_weborder_1234', reference: 'Banner 610 for customer X' } });
    assert.strictEqual(file.fields.duplicate, undefined);
    assert.deepStrictEqual(file.fields.file, { id: 1 });
    assert.match(String(file.fields.reason), /Probo did not accept the order: File rejected/);
    assert.notStrictEqual(file.dedupeKey, dup.dedupeKey);
    assert.deepStrictEqual(file.ordering, { subject: 'probo:order:my_weborder_1234', rank: 90 });
  });

  it('refuses what is not a Probo callback with invalid_input', () => {
    const bad: Array<[unknown, string | undefined, string]> = [
      [[], undefined, 'body'],
      [{ status: 'confirmed', products: [] }, 'uploader', 'body.id'],
      [{ id: 1, products: [] }, 'uploader', 'body.status'],
      [{ id: 1, status: 'confirmed', products: 'x' }, 'uploader', 'body.products'],
      [{ status: 'accepted' }, 'order', 'body.order.id'],
      [{ order: { id: 'x' } }, 'order', 'body.status'],
      [{ id: 1, status: 'accepted' }, 'shipment', 'kind'],
    ];
    for (const [body, kind, field] of bad) {
      assert.throws(() => parseProboCallback(body, kind), (e: FulfillmentError) => e.kind === 'invalid_input' && e.field === field);
    }
  });
});
