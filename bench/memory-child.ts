/**
 * Runs one download in a fresh process and reports its peak RSS growth, so
 * the figure is not blurred by the parent's sandbox or earlier runs.
 * argv: <mode: ours|buffered> <baseUrl> <jobUuid> <folder>
 */
import fs from 'fs';
import path from 'path';
import axios from 'axios';
import { PlanviewerClient } from '../nodes/providers/planviewer/client';
import { streamToFile } from '../nodes/core/download';

async function main(): Promise<void> {
  const [mode, base, job, folder] = process.argv.slice(2);
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  if (mode === 'ours') {
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
