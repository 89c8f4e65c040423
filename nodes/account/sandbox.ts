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
