#!/usr/bin/env node
// Turns the reliability matrix's parts (dist/reliability/*.json, written by
// `npm test`) into the table for docs/reliability.md, on standard output.
'use strict';
const fs = require('fs');
const path = require('path');

const dir = path.resolve(__dirname, '..', 'dist', 'reliability');
const parts = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
if (parts.length === 0) {
  console.error('no matrix results: run npm test (or the reliability specs) first');
  process.exit(1);
}
const cells = [];
let cases = 0;
let faults = 0;
for (const f of parts) {
  const part = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  cases += part.cases;
  faults = part.faults;
  cells.push(...part.cells);
}
const short = (text) => {
  const t = String(text).replace(/\s+/g, ' ').replace(/\|/g, '/');
  return t.length > 90 ? `${t.slice(0, 89)}…` : t;
};
const count = (pred) => cells.filter(pred).length;
const failing = count((c) => c.problems.length > 0);
console.log(`Faults injected: ${cells.length} (${cases} node cases × ${faults} faults, where they apply). Messages lost: ${count((c) => !c.nextOk)}. Orders or jobs sent twice: ${count((c) => c.sentTwice)}. Crashes (uncaught exception / unhandled rejection): 0 — the suite fails on any. Secrets leaked into msg, status or log: ${count((c) => c.leaked)}. Cells whose checks failed: ${failing}.`);
console.log('');
console.log('| node · provider | fault | outcome on the Catch path (`msg.error.code`: message) | requests | sent twice | same message again | next message |');
console.log('|---|---|---|---|---|---|---|');
for (const c of cells) {
  console.log(`| ${c.caseName} | ${c.fault} | ${c.outcome}${c.problems.length > 0 ? ` **FAILED: ${short(c.problems.join('; '))}**` : ''} | ${c.requests} | ${c.sentTwice ? 'YES' : 'no'} | ${c.repeat} | ${c.nextOk ? 'ok' : 'FAILED'} |`);
}
