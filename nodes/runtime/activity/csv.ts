/**
 * The placed calls as CSV, for reconciliation with the provider's invoices:
 * one row per call, times in UTC, and for every call whose outcome is
 * unknown what to do about it.
 */
import { CALLS_KEPT_MS } from './call-log';
import { CallRow } from './types';

const COLUMNS = ['time (UTC)', 'provider', 'operation', 'state', 'provider id', 'reference', 'idempotency key', 'node', 'node name', 'message', 'what to do'];

export const WHAT_TO_DO: Record<CallRow['state'], string> = {
  placed: '',
  failed: 'nothing was created: the provider refused the call (expect no invoice line)',
  unknown: "outcome unknown: look it up with the provider (their portal or API) before sending it again; if it is not there, send it again with a new msg.idempotencyKey",
};

const STATE_WORDS: Record<CallRow['state'], string> = { placed: 'placed', failed: 'failed', unknown: 'outcome unknown' };

/** Quoted when needed; a cell a spreadsheet would run as a formula is defused with a leading quote. */
export function csvCell(value: unknown): string {
  let s = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function placedCsv(rows: readonly CallRow[]): string {
  const lines = [COLUMNS.map(csvCell).join(',')];
  // Oldest first: the order of an invoice.
  for (const r of [...rows].sort((a, b) => a.at - b.at)) {
    lines.push([new Date(r.at).toISOString(), r.provider, r.operation, STATE_WORDS[r.state], r.providerId, r.reference, r.idempotencyKey, r.node, r.nodeName, r.message, WHAT_TO_DO[r.state]].map(csvCell).join(','));
  }
  // The byte order mark makes spreadsheets read the file as UTF-8.
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

export const CSV_DAYS = Math.round(CALLS_KEPT_MS / 86_400_000);
