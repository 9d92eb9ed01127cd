// The tree's share of the token inspector, in plain Node: a token stage's tooltip sums up its
// checks, and a failure's tooltip names the likely cause the engine attached.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TokenInspection } from '../../../src/core/diagnostics/tokenInspector';
import { explainedErrorMarkdown, stagePresentation } from '../../../src/extension/tree/presentation';

const inspection: TokenInspection = {
  stage: 'keyVaultToken',
  nextService: 'Key Vault',
  decoded: true,
  signatureVerified: false,
  claims: { aud: 'https://vault.azure.net/' },
  checks: [
    { claim: 'aud', status: 'mismatch', reason: 'aud has a trailing slash.', fix: 'Drop it.' },
    { claim: 'exp', status: 'ok', reason: 'Valid.', fix: '' },
  ],
};

describe('token inspection in the tree', () => {
  it("a token stage's tooltip sums up the checks", () => {
    const p = stagePresentation('keyVaultToken', { stage: 'keyVaultToken', status: 'succeeded', durationMs: 40, summary: 'token for https://vault.azure.net', inspection });
    assert.match(p.tooltipMarkdown, /Token: aud mismatch \(Inspect Token for the claims\)/);
  });

  it("a failure's tooltip names the likely cause with its fix", () => {
    const markdown = explainedErrorMarkdown({
      source: 'keyVault',
      code: 'AKV10022',
      status: 401,
      message: 'AKV10022: Invalid audience.',
      stage: 'readClientId',
      explanation: { code: 'AKV10022', summary: 'Wrong audience.', cause: 'c', fix: 'f' },
      likelyCauses: [{ tokenStage: 'keyVaultToken', claim: 'aud', reason: 'aud has a trailing slash.', fix: 'Drop it.' }],
    });
    assert.match(markdown, /\*\*Likely cause\*\* \(Key Vault token, `aud`\): aud has a trailing slash\\\. Drop it\\\./);
  });
});
