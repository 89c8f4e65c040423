/**
 * `npm run bench`: the package measured side by side with the obvious
 * alternative in one run. Not part of `npm test`; figures go to
 * docs/benchmarks.md. BENCH_QUICK=1 shrinks every size for a smoke run.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { throughput } from './throughput';
import { polling } from './polling';
import { sessionCost } from './session';
import { memory } from './memory';
import { startup } from './startup';
import { sharedState } from './shared-state';
import { markdown } from './table';

const quick = process.env.BENCH_QUICK === '1';

/** BENCH_ONLY=throughput,session,polling,memory,startup,shared runs a subset. */
const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
const want = (name: string): boolean => only.length === 0 || only.includes(name);

async function main(): Promise<void> {
  process.stdout.write(`node-red-contrib-fulfillment benchmarks — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}${quick ? ' (quick)' : ''}\n\n`);
  if (want('throughput')) {
    process.stdout.write('1. Throughput (sandbox on loopback, 32 in flight)\n');
    await throughput(quick ? 1000 : 10_000);
  }
  if (want('session')) {
    process.stdout.write('2. Session cost\n');
    await sessionCost(quick ? 100 : 1000);
  }
  if (want('polling')) {
    process.stdout.write('3. Polling cost\n');
    await polling(quick ? 200 : 1000);
  }
  if (want('memory')) {
    process.stdout.write('4. Memory with a large answer, download or upload (a fresh Node-RED process per figure)\n');
    await memory(quick ? 50 : 200);
  }
  if (want('startup')) {
    process.stdout.write('5. Start-up and size\n');
    await startup(quick ? 1 : 3);
  }
  if (want('shared')) {
    process.stdout.write('6. Shared state (Redis, several instances)\n');
    await sharedState(quick ? [1000] : [1000, 10_000], quick ? 1000 : 5000);
  }
  const out = path.resolve(__dirname, '..', '..', 'bench-results.md');
  fs.writeFileSync(out, `${markdown()}\n`);
  process.stdout.write(`\nTable written to ${out}\n`);
}

main()
  .then(() => process.exit(0))
  .catch((e) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  });
