import assert from 'assert';
import { s, ShapeMismatch, Infer } from '../../nodes/core/shape';

describe('answer shapes', () => {
  const order = s.object({
    id: s.id(),
    status: s.literal('queued', 'accepted'),
    note: s.maybe(s.string()),
    lines: s.array(s.object({ code: s.text() }), 1),
  });
  type Order = Infer<typeof order>;

  it('returns the value as it came, unknown fields kept, and types it', () => {
    const value = { id: 7, status: 'queued', lines: [{ code: 'x', extra: 1 }], other: true };
    const checked: Order = order.check(value, 'answer');
    assert.strictEqual(checked, value);
    assert.strictEqual(checked.lines[0].code, 'x');
  });

  it('names the place where an answer differs, and what came instead', () => {
    assert.throws(() => order.check({ id: 1, status: 'queued', lines: [{ code: '' }] }, 'answer'), (e: unknown) => e instanceof ShapeMismatch && e.path === 'answer.lines[0].code' && /non-empty string/.test(e.message));
    assert.throws(() => order.check({ id: 1, status: 'done', lines: [{ code: 'a' }] }, 'answer'), /answer\.status: expected "queued" or "accepted", got string "done"/);
    assert.throws(() => order.check([{ unexpected: true }], 'answer'), /answer: expected an object with id, status, note, lines, got an array of 1/);
    assert.throws(() => order.check({ id: null, status: 'queued', lines: [] }, 'answer'), /answer\.id: expected an id/);
  });

  it('takes any documented variant, and explains the closest miss', () => {
    const list = s.oneOf(s.array(s.object({ slug: s.string() })), s.map(s.object({ result: s.array(s.object({ slug: s.string() })) }), (o) => o.result));
    assert.deepStrictEqual(list.check([{ slug: 'a' }], 'answer'), [{ slug: 'a' }]);
    assert.deepStrictEqual(list.check({ result: [{ slug: 'b' }] }, 'answer'), [{ slug: 'b' }]);
    assert.throws(() => list.check({ result: [{ slug: 3 }] }, 'answer'), /answer\.result\[0\]\.slug: expected a string, got number 3/);
    assert.throws(() => list.check('nope', 'answer'), /answer: expected an array of .* or an object with result/);
  });

  it('checks keyed objects and refinements', () => {
    const choices = s.refine(s.record(s.string()), 'numeric keys', (r) => Object.keys(r).every((k) => /^\d+$/.test(k)));
    assert.deepStrictEqual(choices.check({ 1: 'a', 2: 'b' }, 'locaties'), { 1: 'a', 2: 'b' });
    assert.throws(() => choices.check({ a: 'x' }, 'locaties'), /locaties: expected numeric keys/);
    assert.throws(() => choices.check({ 1: 2 }, 'locaties'), /locaties\.1: expected a string/);
  });
});
