/** Root hooks: any unhandled rejection or uncaught exception during the run fails it. */
const seen: unknown[] = [];
const onRejection = (reason: unknown): void => {
  seen.push(reason);
};
const onException = (err: unknown): void => {
  seen.push(err);
};

export const mochaHooks = {
  beforeAll(): void {
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtException', onException);
  },
  afterEach(): void {
    if (seen.length > 0) {
      const first = seen.splice(0, seen.length)[0];
      throw new Error(`unhandled rejection / uncaught exception during the test: ${first instanceof Error ? first.stack : String(first)}`);
    }
  },
};
