/**
 * The provider clients, usable without Node-RED:
 *   import { PlanviewerClient } from 'node-red-contrib-fulfillment';
 */
export { FulfillmentError } from './core/errors';
export { PlanviewerClient } from './providers/planviewer/client';
export * from './providers/planviewer/types';
export { DelivergoClient } from './providers/delivergo/client';
export * from './providers/delivergo/types';
export { ArriClient } from './providers/arri/client';
export * from './providers/arri/types';
export { ProboClient } from './providers/probo/client';
export * from './providers/probo/types';
export * from './providers/postgreen';
export { createProvider, registerProvider, descriptors, providerInfos, defaultBaseUrls } from './providers';
export type { ProviderName, AccountSettings, ProviderHandle, ProviderDescriptor, ProviderInfo } from './providers';
export { s as shapes } from './core/shape';
export type { Shape } from './core/shape';
