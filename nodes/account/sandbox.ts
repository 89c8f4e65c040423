/**
 * Whether an account points at the built-in sandbox. It is recognised by its
 * address alone: a loopback host, and a path within the provider's part of the
 * sandbox (the first segment of the descriptor's `sandboxPath`: `/arri/…` is
 * every ARRI customer the sandbox emulates). No provider serves its API from the user's own
 * machine, and the address is known at deploy and in the editor, before any
 * request or credential. The editor toolkit (resources/editor.js) applies the
 * same rule.
 */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function isSandboxUrl(sandboxPath: string | undefined, baseUrl: unknown): boolean {
  if (!sandboxPath || typeof baseUrl !== 'string' || baseUrl.trim() === '') return false;
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    return false;
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const root = `/${sandboxPath.split('/').filter(Boolean)[0] ?? ''}`;
  const path = url.pathname.replace(/\/+$/, '');
  return LOOPBACK.has(host) && (path === root || path.startsWith(`${root}/`));
}

/**
 * Where the sandbox of `npm start` / `npm run sandbox` listens: port 1881, or
 * SANDBOX_PORT (both read it, and `npm start` passes its environment on to
 * Node-RED), so the dialog's "use the sandbox" fills in the address that answers.
 */
export function sandboxOrigin(env: NodeJS.ProcessEnv = process.env): string {
  const port = Number(env.SANDBOX_PORT);
  return `http://127.0.0.1:${Number.isInteger(port) && port > 0 && port < 65536 ? port : 1881}`;
}
