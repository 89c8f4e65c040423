/**
 * 2. Session cost: many concurrent PostGreen calls from a cold account. Ours
 * shares one in-flight authentication; the naive flow authenticates per message.
 */
import axios from 'axios';
import http from 'http';
import { Sandbox } from '../sandbox/server';
import { PostgreenClient } from '../nodes/providers/postgreen/client';
import { samplePdf } from '../sandbox/pdf';
import { record } from './table';

export async function sessionCost(calls: number): Promise<void> {
  const sandbox = new Sandbox();
  await sandbox.start();
  const base = sandbox.providerUrl('postgreen');
  const setup = new PostgreenClient({ baseUrl: base, login: 'setup', password: 'setup-pw' });
  const job = await setup.createJob({ jobName: 'bench', serviceId: 'SRV_LETTER', autocreateDeliveryCommand: false, files: [{ box: 'BX101', filename: 'a.pdf', data: samplePdf(['bench']) }] });
  await setup.close();

  const authBefore = sandbox.postgreen.authenticateCalls;
  const client = new PostgreenClient({ baseUrl: base, login: 'bench', password: 'bench-pw' });
  let t0 = performance.now();
  await Promise.all(Array.from({ length: calls }, () => client.getJob(job.jobId)));
  const oursMs = performance.now() - t0;
  const oursAuth = sandbox.postgreen.authenticateCalls - authBefore;
  await client.close();

  // The naive flow: each message authenticates, then reads, like an http request node chain would.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const naiveBefore = sandbox.postgreen.authenticateCalls;
  t0 = performance.now();
  await Promise.all(
    Array.from({ length: calls }, async () => {
      const auth = await axios.post(`${base}/authentication/authenticate`, { login: 'naive', password: 'naive-pw', withProfileDetail: true }, { httpAgent: agent });
      const token = String(auth.headers['x-auth-token'] ?? (auth.data as { token?: string }).token);
      await axios.get(`${base}/jobs/${job.jobId}`, { headers: { 'X-Auth-Token': token }, httpAgent: agent });
    }),
  );
  const naiveMs = performance.now() - t0;
  const naiveAuth = sandbox.postgreen.authenticateCalls - naiveBefore;
  agent.destroy();
  record({ figure: `authenticate calls for ${calls} concurrent calls, cold account`, ours: oursAuth, alternative: naiveAuth, unit: 'calls', better: 'lower', goal: 'ours = 1' });
  record({ figure: `wall time for those ${calls} calls`, ours: oursMs, alternative: naiveMs, unit: 'ms', better: 'lower' });
  await sandbox.stop();
}
