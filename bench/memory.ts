/** 4. Download memory: a large result written to a file, streamed (ours) vs buffered (core http request + file). */
import { execFile } from 'child_process';
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
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-dl-'));
  const ours = await child(['ours', base, ordered.job.uuid, folder]);
  const buffered = await child(['buffered', base, ordered.job.uuid, folder]);
  fs.rmSync(folder, { recursive: true, force: true });
  record({ figure: `peak RSS growth, retrieve result of ${megabytes} MB to a file`, ours, alternative: buffered, unit: 'MB', better: 'lower', goal: 'ours < 32 MB' });

  // Upload: a large PDF from disk through create job (PostGreen multipart).
  const big = path.join(os.tmpdir(), `bench-upload-${process.pid}.pdf`);
  writeBigPdf(big, megabytes * 1024 * 1024);
  const pg = sandbox.providerUrl('postgreen');
  const up = await child(['upload-ours', pg, big]);
  const upBuffered = await child(['upload-buffered', pg, big]);
  fs.rmSync(big, { force: true });
  record({ figure: `peak RSS growth, create job with a ${megabytes} MB file`, ours: up, alternative: upBuffered, unit: 'MB', better: 'lower', goal: 'ours < 32 MB' });
  await sandbox.stop();
}

/** Runs memory-child.js without blocking this process, whose sandbox serves it. */
function child(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(__dirname, 'memory-child.js'), ...args], { maxBuffer: 1 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve((JSON.parse(stdout) as { peakGrowthMb: number }).peakGrowthMb),
    );
  });
}

function writeBigPdf(file: string, bytes: number): void {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, '%PDF-1.4\n');
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  for (let left = bytes - 9; left > 0; left -= chunk.length) fs.writeSync(fd, left >= chunk.length ? chunk : chunk.subarray(0, left));
  fs.closeSync(fd);
}
