/**
 * The field validators, one file per idea; this module only re-exports them so that the many
 * importers keep one import path:
 * - validated.ts: the result type and shared helpers
 * - identity.ts: tenant id, client id, reader client secret
 * - address.ts: the shared address check, cloud suffixes, the authority override
 * - keyVaultFields.ts: vault URL, secret names and versions
 * - endpointFields.ts: namespace, event hub name, SAS key name and key
 * - jsonBody.ts: the event body as JSON, and where and why it is malformed
 * - eventFields.ts: event size, partition, custom properties
 * - readBackFields.ts: the round trip's consumer endpoint
 * - trustedCa.ts: the extra-CA rule
 * - profileName.ts: a profile name's bounds
 * - profileRules.ts: the whole profile and its canonical form
 * (profileDecoder.ts, imported on its own: the shape of a profile read from a file or storage)
 */
export { isLoopbackHostname as isLoopbackHost } from './host';
export { validateAuthorityHost } from './address';
export * from './endpointFields';
export * from './eventFields';
export * from './identity';
export * from './jsonBody';
export * from './keyVaultFields';
export * from './profileName';
export * from './profileRules';
export * from './readBackFields';
export * from './trustedCa';
export { valueOrThrow, type Validated } from './validated';
