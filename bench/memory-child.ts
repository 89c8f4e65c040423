/**
 * Runs one download in a fresh process and reports its peak RSS growth, so
 * the figure is not blurred by the parent's sandbox or earlier runs.
 * argv: <mode: ours|buffered> <baseUrl> <jobUuid> <folder>
 *       <mode: upload-ours|upload-buffered> <baseUrl> <file path>
 */
import fs from 'fs';
import path from 'path';
import axios from 'axios';
import { PlanviewerClient } from '../nodes/providers/planviewer/client';
import { streamToFile } from '../nodes/core/download';
import { PostgreenClient } from '../nodes/providers/postgreen/client';

async function main(): Promise<void> {
  const [mode, base, job, folder] = process.argv.slice(2);
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  if (mode === 'upload-ours') {
    const [, , file] = process.argv.slice(2);
    const client = new PostgreenClient({ baseUrl: base, login: 'bench', password: 'bench-pw', timeoutMs: 120_000 });
    await client.createJob({ jobName: 'big', serviceId: 'SRV_LETTER', autocreateDeliveryCommand: false, files: [{ box: 'BX101', path: file }] });
    await client.close();
  } else if (mode === 'upload-buffered') {
    // What a flow that reads the file (file-in node) and posts it from a Buffer does.
    const [, , file] = process.argv.slice(2);
    const client = new PostgreenClient({ baseUrl: base, login: 'bench', password: 'bench-pw', timeoutMs: 120_000 });
    const data = await fs.promises.readFile(file);
    await client.createJob({ jobName: 'big', serviceId: 'SRV_LETTER', autocreateDeliveryCommand: false, files: [{ box: 'BX101', filename: 'big.pdf', data }] });
    await client.close();
  } else if (mode === 'ours') {
    const client = new PlanviewerClient({ baseUrl: base, apiKey: 'k', apiSecret: 's' });
    const file = await client.retrieve(job);
    await streamToFile(file.stream, folder, file.filename, file.contentLength);
    client.close();
  } else {
    // What a core http request node (ret: binary buffer) followed by a file node does.
    const res = await axios.get<ArrayBuffer>(`${base}/product_api/v1/jobs/retrieve/${job}`, { responseType: 'arraybuffer', auth: { username: 'k', password: 's' }, maxContentLength: Infinity });
    await fs.promises.writeFile(path.join(folder, 'buffered.pdf'), Buffer.from(res.data));
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  clearInterval(sampler);
  process.stdout.write(JSON.stringify({ peakGrowthMb: (peak - baseline) / 1024 / 1024 }));
}

main().catch((e) => {
  process.stderr.write(String(e));
  process.exit(1);
});
