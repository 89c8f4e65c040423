import assert from 'assert';
import { escapeMsDatesInJson, isoToMsDate, msDateToIso, normalizeDate } from '../../nodes/core/msdate';

describe('core/msdate: \\/Date(ms+zone)\\/ <-> ISO 8601', () => {
  it('reads the documented example with its zone kept as an offset (the documented XML shows the same local time)', () => {
    assert.strictEqual(msDateToIso('/Date(1299686597893+0100)/'), '2011-03-09T17:03:17.893+01:00');
    assert.strictEqual(msDateToIso('\\/Date(1299686597893+0100)\\/'), '2011-03-09T17:03:17.893+01:00', 'the raw JSON spelling too');
    assert.ok(String(msDateToIso('/Date(1299686597893+0100)/')).startsWith('2011-03-09T17:03:17.893'));
  });

  it('reads a date without zone as UTC, negative ms before 1970, and negative zones', () => {
    assert.strictEqual(msDateToIso('/Date(1299686597893)/'), '2011-03-09T16:03:17.893Z');
    assert.strictEqual(msDateToIso('/Date(-1000)/'), '1969-12-31T23:59:59.000Z');
    assert.strictEqual(msDateToIso('/Date(0-0530)/'), '1969-12-31T18:30:00.000-05:30');
  });

  it('refuses what is not a /Date()/', () => {
    for (const bad of ['Date(1)', '/Date(abc)/', '/Date(1+01)/', '/Date(1+2599)/', '']) assert.strictEqual(msDateToIso(bad), undefined, bad);
  });

  it('writes ISO back, with the offset as +hhmm and Z as no zone', () => {
    assert.strictEqual(isoToMsDate('2011-03-09T17:03:17.893+01:00'), '/Date(1299686597893+0100)/');
    assert.strictEqual(isoToMsDate('2011-03-09T16:03:17.893Z'), '/Date(1299686597893)/');
    assert.strictEqual(isoToMsDate('1969-12-31T23:59:59.000Z'), '/Date(-1000)/');
    assert.strictEqual(isoToMsDate('2011-03-09T17:03:17.893'), '/Date(1299690197893)/', 'no zone is taken as UTC');
    assert.strictEqual(isoToMsDate('not a date'), undefined);
  });

  it('round-trips both ways', () => {
    for (const ms of ['/Date(1299686597893+0100)/', '/Date(-62135596800000)/', '/Date(1700000000000-0800)/']) {
      assert.strictEqual(isoToMsDate(String(msDateToIso(ms))), ms);
    }
  });

  it('normalizes either form and escapes dates in JSON text', () => {
    assert.strictEqual(normalizeDate('/Date(1299686597893+0100)/'), '2011-03-09T17:03:17.893+01:00');
    assert.strictEqual(normalizeDate('2011-03-09T17:03:17.893'), '2011-03-09T17:03:17.893');
    assert.strictEqual(normalizeDate(7), 7);
    assert.strictEqual(escapeMsDatesInJson(JSON.stringify({ Created: '/Date(1+0100)/', Name: 'x/Date(1)/' })), '{"Created":"\\/Date(1+0100)\\/","Name":"x/Date(1)/"}');
  });
});
