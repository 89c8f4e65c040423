/**
 * The one place that lists the providers: one line each. Everything else
 * (the account dialog, the node checks, the client factories) reads their
 * descriptors. Still no Node-RED here.
 */
import { AccountSettings, infoOf, ProviderDescriptor, ProviderHandle, ProviderInfo } from '../core/descriptor';
import { FulfillmentError } from '../core/errors';
import { planviewerDescriptor } from './planviewer/descriptor';
import { postgreenDescriptor } from './postgreen/descriptor';
import { proboDescriptor } from './probo/descriptor';
import { delivergoDescriptor } from './delivergo/descriptor';
import { arriDescriptor } from './arri/descriptor';

export type { AccountSettings, ProviderHandle, ProviderDescriptor, ProviderInfo } from '../core/descriptor';
export type ProviderName = string;

const registry: ProviderDescriptor[] = [
  planviewerDescriptor,
  postgreenDescriptor,
  proboDescriptor,
  delivergoDescriptor,
  arriDescriptor,
];

/**
 * Adds a provider at run time (before Node-RED loads the nodes): how a
 * separate package, or a test, brings its own descriptor. A name already
 * taken replaces the earlier descriptor.
 */
export function registerProvider(descriptor: ProviderDescriptor): void {
  const at = registry.findIndex((d) => d.name === descriptor.name);
  if (at >= 0) registry[at] = descriptor;
  else registry.push(descriptor);
}

export function descriptors(): readonly ProviderDescriptor[] {
  return registry;
}

export function providerInfos(): ProviderInfo[] {
  return registry.map(infoOf);
}

export function descriptorOf(name: unknown): ProviderDescriptor | undefined {
  return typeof name === 'string' ? registry.find((d) => d.name === name) : undefined;
}

export function providerNames(): string[] {
  return registry.map((d) => d.name);
}

export function isProviderName(value: unknown): value is ProviderName {
  return descriptorOf(value) !== undefined;
}

/** The public base URL of each provider that has one. */
export function defaultBaseUrls(): Record<string, string | undefined> {
  return Object.fromEntries(registry.map((d) => [d.name, d.defaultBaseUrl]));
}

export function createProvider(settings: AccountSettings): ProviderHandle {
  const descriptor = descriptorOf(settings.provider);
  if (!descriptor) {
    throw new FulfillmentError({ kind: 'config', field: 'provider', message: `unknown provider "${String(settings.provider)}"; choose one of ${providerNames().join(', ')}` });
  }
  return descriptor.create(settings);
}
