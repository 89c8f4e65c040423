/** 4. Download memory: a large result written to a file, streamed (ours) vs buffered (core http request + file). */
import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Sandbox } from '../sandbox/server';
import { record } from './table';

export async function downloadMemory(megabytes: number): Promise<void> {
  const sandbox = new Sandbox();
  await sandbox.start();
  sandbox.planviewer.resultBytes = megabytes * 1024 * 1024;
  const base = sandbox.providerUrl('planviewer');
  const { PlanviewerClient } = await import('../nodes/providers/planviewer/client');
  const client = new PlanviewerClient({ baseUrl: base, apiKey: 'k', apiSecret: 's' });
  const [ordered] = await client.order(['00000000-0000-4000-9000-000000000001']);
  for (let i = 0; i < 6; i++) await client.status([ordered.job.uuid]);
  client.close();
  const run = async (mode: string): Promise<number> => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-dl-'));
    // The child must not block this process: the sandbox serving it lives here.
    const out = await new Promise<string>((resolve, reject) => {
      const { execFile } = require('child_process') as typeof import('child_process');
      execFile(process.execPath, [path.join(__dirname, 'memory-child.js'), mode, base, ordered.job.uuid, folder], { maxBuffer: 1 << 20 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    });
    fs.rmSync(folder, { recursive: true, force: true });
    return (JSON.parse(out) as { peakGrowthMb: number }).peakGrowthMb;
  };
  void execFileSync;
  const ours = await run('ours');
  const buffered = await run('buffered');
  record({ figure: `peak RSS growth, retrieve result of ${megabytes} MB to a file`, ours, alternative: buffered, unit: 'MB', better: 'lower', goal: 'ours < 32 MB' });
  await sandbox.stop();
}
