import type { CredentialDestination } from '../../src/core/azure/credentialGuard';
import { connectAuthorityOf } from '../../src/core/model/host';

/** For tests that call a client directly: the one host a credential may go to, taken from the address the test uses. */
export function destinationOf(address: string): CredentialDestination {
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(address) ? address : `https://${address}`;
  return { credential: 'the test credential', field: 'test', hosts: [connectAuthorityOf(url.replace(/^sb:/i, 'https:'))] };
}
