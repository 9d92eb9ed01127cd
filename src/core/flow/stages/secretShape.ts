import { edgeWhitespace } from '../../model/identity';

/**
 * Runs a token request sent with `secret`. When it fails and the secret starts or ends with
 * whitespace, the error carries `inputDetails` (how, and whose secret: never the value), which the
 * AADSTS7000215 explanation quotes: Entra ID compares a client secret exactly, so a trailing line
 * break alone makes a right secret wrong, and nothing in Entra's answer says so.
 */
export async function notingSecretShape<T>(secret: string, where: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const edges = edgeWhitespace(secret);
    if (edges && error !== null && typeof error === 'object' && Object.isExtensible(error)) {
      const existing = (error as { inputDetails?: Record<string, string> }).inputDetails;
      Object.assign(error, { inputDetails: { ...existing, secretWhitespace: edges, secretWhere: where } });
    }
    throw error;
  }
}
