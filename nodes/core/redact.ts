/**
 * Removes known secret values from text and plain data before it can reach a
 * message, a log line or node status. Secrets are registered per account.
 */
const MIN_SECRET_LENGTH = 3;
const SENSITIVE_KEYS = /^(authorization|x-auth-token|password|apikey|api_key|apisecret|api_secret|secret|token|access_token|accesstoken|refresh_token|admin_user_access_token|cookie|set-cookie)$/i;

export class Redactor {
  private readonly secrets = new Set<string>();

  add(...values: Array<string | undefined | null>): void {
    for (const v of values) {
      if (typeof v === 'string' && v.length >= MIN_SECRET_LENGTH) {
        this.secrets.add(v);
        // Basic auth and URL-encoded forms of a secret leak the same way.
        this.secrets.add(encodeURIComponent(v));
      }
    }
  }

  /** Also hide base64 of `user:secret` pairs, as sent in HTTP Basic. */
  addBasicPair(user: string | undefined, secret: string | undefined): void {
    if (user === undefined || secret === undefined) return;
    this.add(Buffer.from(`${user}:${secret}`).toString('base64'));
  }

  text(s: string): string {
    let out = s;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join('***');
    }
    return out;
  }

  /** Deep copy of JSON-like data with secrets and sensitive keys masked. */
  data(value: unknown, depth = 0): unknown {
    if (depth > 20) return '[deep]';
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.data(v, depth + 1));
    if (Buffer.isBuffer(value)) return `<Buffer ${value.length} bytes>`;
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
        out[k] = SENSITIVE_KEYS.test(k) && v !== null && v !== undefined && v !== '' ? '***' : this.data(v, depth + 1);
      }
      return out;
    }
    return value;
  }
}
