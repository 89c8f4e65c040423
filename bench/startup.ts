/** 5. Start-up: Node-RED's time to "Started flows" with and without the package, and the installed size. */
import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import { makeUserDir, startNodeRed } from '../test/support/process';
import { record } from './table';

const root = path.resolve(__dirname, '..', '..');

async function timeToStart(withPackage: boolean): Promise<number> {
  const userDir = makeUserDir([{ id: 't', type: 'tab', label: 'x' }], {});
  if (!withPackage) fs.unlinkSync(path.join(userDir, 'node_modules', 'node-red-contrib-fulfillment'));
  const t0 = performance.now();
  const red = await startNodeRed(userDir);
  const ms = performance.now() - t0;
  await red.stop();
  fs.rmSync(userDir, { recursive: true, force: true });
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function duBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += duBytes(p);
    else if (e.isFile()) total += fs.statSync(p).size;
  }
  return total;
}

export async function startup(runs: number): Promise<void> {
  const withPkg: number[] = [];
  const without: number[] = [];
  for (let i = 0; i < runs; i++) {
    without.push(await timeToStart(false));
    withPkg.push(await timeToStart(true));
  }
  record({ figure: `Node-RED start to "Started flows" (median of ${runs})`, ours: median(withPkg), alternative: median(without), unit: 'ms', better: 'lower', goal: 'ours - alt < 100 ms' });
  const pack = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as Array<{ unpackedSize: number }>;
  const prod = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    .split('\n')
    .filter((p) => p && p !== root && p.includes('node_modules'));
  const depBytes = [...new Set(prod)].reduce((sum, dir) => sum + duBytes(dir) - nestedNodeModules(dir), 0);
  record({ figure: 'installed size: package / with runtime dependencies', ours: pack[0].unpackedSize / 1024, alternative: (pack[0].unpackedSize + depBytes) / 1024, unit: 'KiB', better: 'lower' });
}

function nestedNodeModules(dir: string): number {
  const nested = path.join(dir, 'node_modules');
  return fs.existsSync(nested) ? duBytes(nested) : 0;
}
