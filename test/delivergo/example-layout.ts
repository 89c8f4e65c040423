/**
 * Layout rules for the example flows, checked on the JSON: every node inside
 * a 940 × 700 workspace, at least 20 px between node boxes, no wire drawn
 * across another node, no wire to a node on another tab, no "seed" wording.
 *
 * Node boxes are estimated as the editor draws them: 30 px high (15 px per
 * output beyond two), as wide as the label (8 px a character, generous for
 * the editor's 14 px font) plus 50 px for icon and padding, at least 100 px,
 * in steps of 20.
 */
import assert from 'assert';

type FlowNode = Record<string, unknown> & { id: string; type: string; z?: string; x?: number; y?: number; wires?: string[][]; name?: string };

export interface Box {
  id: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
  outputs: number;
}

/** The label the editor shows for the node types the examples use. */
function labelOf(n: FlowNode, providerOf: (account: unknown) => string | undefined): string {
  if (typeof n.name === 'string' && n.name !== '') return n.name;
  const provider = providerOf(n.account);
  switch (n.type) {
    case 'fulfillment-place-order': return `place order${provider ? ` · ${provider}` : ''}`;
    case 'fulfillment-poll-status': return `poll status${provider ? ` · ${provider}` : ''}`;
    case 'fulfillment-resale-unit': return n.operation === 'msg' ? 'resale unit' : `${String(n.operation ?? 'list')} resale unit`;
    case 'debug': return 'debug';
    case 'catch': return 'catch: all';
    case 'inject': return 'timestamp';
    default: return n.type;
  }
}

export function boxesOf(flow: FlowNode[]): Box[] {
  const accounts = new Map(flow.filter((n) => n.type === 'fulfillment-account').map((n) => [n.id, String(n.provider)]));
  const providerOf = (account: unknown): string | undefined => (typeof account === 'string' ? accounts.get(account) : undefined);
  return flow.filter((n) => typeof n.x === 'number' && typeof n.y === 'number').map((n) => {
    const label = labelOf(n, providerOf);
    const width = Math.max(100, Math.ceil((label.length * 8 + 50) / 20) * 20);
    const outputs = Array.isArray(n.wires) ? n.wires.length : 0;
    const height = Math.max(30, outputs * 15);
    return { id: n.id, left: (n.x as number) - width / 2, right: (n.x as number) + width / 2, top: (n.y as number) - height / 2, bottom: (n.y as number) + height / 2, outputs };
  });
}

/** Does the segment from a to b pass through the box? (Liang–Barsky clipping.) */
function crosses(a: [number, number], b: [number, number], box: Box): boolean {
  let t0 = 0;
  let t1 = 1;
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const edges: Array<[number, number]> = [[-dx, a[0] - box.left], [dx, box.right - a[0]], [-dy, a[1] - box.top], [dy, box.bottom - a[1]]];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}

export function assertExampleLayout(flow: FlowNode[], file: string): void {
  assert.ok(!/seed/i.test(JSON.stringify(flow)), `${file}: no "seed" wording`);
  const tabs = flow.filter((n) => n.type === 'tab');
  assert.ok(flow.some((n) => n.type === 'comment'), `${file}: a comment node explains what to click`);
  for (const tab of tabs) {
    const nodes = flow.filter((n) => n.z === tab.id);
    const boxes = boxesOf(nodes);
    const byId = new Map(boxes.map((b) => [b.id, b]));
    for (const b of boxes) {
      assert.ok(b.left >= 0 && b.right <= 940 && b.top >= 0 && b.bottom <= 700, `${file}: ${b.id} lies outside the 940 × 700 workspace (${JSON.stringify(b)})`);
    }
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const c = boxes[j];
        const gapX = Math.max(c.left - a.right, a.left - c.right);
        const gapY = Math.max(c.top - a.bottom, a.top - c.bottom);
        assert.ok(gapX >= 20 || gapY >= 20, `${file}: ${a.id} and ${c.id} are less than 20 px apart`);
      }
    }
    for (const n of nodes) {
      (n.wires ?? []).forEach((targets, port) => {
        const from = byId.get(n.id);
        for (const target of targets) {
          const to = byId.get(target);
          assert.ok(from && to, `${file}: the wire ${n.id} -> ${target} leads to a node on no tab or another tab`);
          const portY = from.outputs <= 1 ? (from.top + from.bottom) / 2 : from.top + ((port + 0.5) * (from.bottom - from.top)) / from.outputs;
          const start: [number, number] = [from.right, portY];
          const end: [number, number] = [to.left, (to.top + to.bottom) / 2];
          assert.ok(end[0] > start[0], `${file}: the wire ${n.id} -> ${target} runs backwards`);
          for (const other of boxes) {
            if (other.id === n.id || other.id === target) continue;
            assert.ok(!crosses(start, end, other), `${file}: the wire ${n.id} -> ${target} crosses ${other.id}`);
          }
        }
      });
    }
  }
}
