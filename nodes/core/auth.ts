/** Auth header helpers that also register the secrets with the redactor. */
import { FulfillmentError } from './errors';
import { Redactor } from './redact';

export function requireCredential(provider: string, name: string, value: string | undefined): string {
  if (typeof value !== 'string' || value === '') {
    throw new FulfillmentError({ provider, kind: 'config', field: name, message: `${provider}: the account has no ${name}; open the account node and fill it in` });
  }
  return value;
}

export function basicAuth(user: string, secret: string, redactor: Redactor): Record<string, string> {
  redactor.add(user, secret);
  redactor.addBasicPair(user, secret);
  return { Authorization: `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}` };
}

export function bearerAuth(token: string, redactor: Redactor): Record<string, string> {
  redactor.add(token);
  return { Authorization: `Bearer ${token}` };
}
