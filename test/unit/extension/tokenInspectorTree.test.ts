// The editor's share of the token inspector, in plain Node: a token stage's tooltip sums up its
// checks, and a failure's tooltip (and the send panel's failed row) names the likely cause.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TokenInspection } from '../../../src/core/diagnostics/tokenInspector';
import { projectFlowEvent } from '../../../src/extension/sendPanel/prepareEvents';
import { explainedErrorMarkdown, stagePresentation } from '../../../src/extension/tree/presentation';
import { AUDIENCE_REFUSAL } from '../core/errorFixtures';

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
    const markdown = explainedErrorMarkdown(AUDIENCE_REFUSAL);
    assert.match(markdown, /\*\*Likely cause\*\* \(Key Vault token, `aud`\): aud has a trailing slash\\\. Drop it\\\./);
  });
});

describe('token inspection in the send panel', () => {
  it("a refused send's row gives the likely cause in its cause text", () => {
    const view = projectFlowEvent(
      {
        type: 'stageFailed',
        stage: 'send',
        durationMs: 9,
        error: {
          source: 'eventHubsRest',
          code: 'InvalidAudience',
          status: 401,
          message: 'InvalidAudience: wrong audience.',
          stage: 'send',
          explanation: { code: 'InvalidAudience', summary: 'Wrong audience.', cause: 'The token is for another service.', fix: 'f' },
          likelyCauses: [{ tokenStage: 'eventHubsToken', claim: 'aud', reason: 'aud is https://management.core.windows.net/.', fix: 'Ask for https://eventhubs.azure.net.' }],
        },
      },
      (t) => t,
    );
    assert.equal(
      view?.error?.cause,
      'The token is for another service. Likely cause (aud in the Event Hubs token): aud is https://management.core.windows.net/. Ask for https://eventhubs.azure.net.',
    );
  });
});
