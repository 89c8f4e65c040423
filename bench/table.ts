/** Prints benchmark rows: our figure, the alternative's, and their ratio, measured in the same run. */
export interface Row {
  figure: string;
  ours: number;
  alternative?: number;
  unit: string;
  /** Which way is better, for reading the ratio. */
  better: 'higher' | 'lower';
  goal?: string;
}

export const rows: Row[] = [];

function fmt(n: number | undefined): string {
  if (n === undefined) return '—';
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

export function record(row: Row): void {
  rows.push(row);
  const ratio = row.alternative ? row.ours / row.alternative : undefined;
  process.stdout.write(`  ${row.figure.padEnd(58)} ours ${fmt(row.ours).padStart(9)} ${row.unit.padEnd(9)} alt ${fmt(row.alternative).padStart(9)}  ratio ${ratio === undefined ? '—' : ratio.toFixed(2)}${row.goal ? `   goal: ${row.goal}` : ''}\n`);
}

export function markdown(): string {
  const lines = ['| figure | ours | alternative | ratio (ours/alt) | better | goal |', '|---|---|---|---|---|---|'];
  for (const r of rows) {
    const ratio = r.alternative ? (r.ours / r.alternative).toFixed(2) : '—';
    lines.push(`| ${r.figure} | ${fmt(r.ours)} ${r.unit} | ${r.alternative === undefined ? '—' : `${fmt(r.alternative)} ${r.unit}`} | ${ratio} | ${r.better} | ${r.goal ?? ''} |`);
  }
  return lines.join('\n');
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * node-red-node-test-helper wraps every Node method (send, status, log, …) in
 * a sinon spy; a real Node-RED has none, and they cost ~25% of a node's
 * per-message time. Removed before measuring; helper.unload() is still fine.
 */
export function unspy(): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const helper = require('node-red-node-test-helper') as { _sandbox?: { restore(): void } };
  helper._sandbox?.restore();
}
