/** `npm run sandbox`: the provider emulator alone, on 127.0.0.1:1881 (SANDBOX_PORT to change). */
import { Sandbox } from './server';

const port = Number(process.env.SANDBOX_PORT ?? 1881);
const sandbox = new Sandbox();
sandbox
  .start(port)
  .then((url) => {
    process.stdout.write(`fulfillment sandbox listening on ${url}\n`);
    for (const p of ['planviewer', 'postgreen', 'probo', 'delivergo', 'arri'] as const) process.stdout.write(`  ${p.padEnd(11)} ${sandbox.providerUrl(p)}\n`);
  })
  .catch((e) => {
    process.stderr.write(`sandbox could not start on port ${port}: ${(e as Error).message}\n`);
    process.exit(1);
  });
const stop = (): void => {
  sandbox.stop().finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
