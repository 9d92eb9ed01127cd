import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExplainedError } from '../../../src/core/errors/errors';
import type { StageId, StageOutcome } from '../../../src/core/flow/types';
import { assessSecret } from '../../../src/core/diagnostics/secretHygiene';
import { Redactor } from '../../../src/core/logging/redact';
import {
  escapeMarkdown,
  explainedErrorMarkdown,
  formatDuration,
  safeDocsUrl,
  hygieneMarkdown,
  secretDescription,
  secretReferenceUri,
  runSummary,
  secretVersionDescription,
  stagePresentation,
} from '../../../src/extension/tree/presentation';

const SECRET = 'Zq8~sEcReT-VaLuE-1234567890';

const failure: ExplainedError = {
  source: 'entra',
  code: 'AADSTS7000215',
  status: 401,
  stage: 'eventHubsToken',
  message: `AADSTS7000215: Invalid client secret provided for ${SECRET}`,
  explanation: {
    code: 'AADSTS7000215',
    summary: 'The client secret stored in Key Vault is wrong (AADSTS7000215).',
    cause: `Entra ID rejected [a link](javascript:alert(1)) ${SECRET}`,
    fix: 'Store the client secret *value*.',
    docsUrl: 'https://login.microsoftonline.com/error?code=7000215',
  },
};

void describe('stagePresentation', () => {
  void it('shows each state with its codicon', () => {
    assert.equal(stagePresentation('keyVaultToken', undefined).icon, 'circle-outline');
    assert.equal(stagePresentation('keyVaultToken', undefined, { running: true }).icon, 'loading~spin');
    const ok = stagePresentation('keyVaultToken', { stage: 'keyVaultToken', status: 'succeeded', durationMs: 120, summary: 'token, expires in 59 min' });
    assert.equal(ok.icon, 'pass');
    assert.equal(ok.description, '120 ms');
    assert.match(ok.tooltipMarkdown, /expires in 59 min/);
    const bad = stagePresentation('eventHubsToken', { stage: 'eventHubsToken', status: 'failed', durationMs: 2300, error: failure });
    assert.equal(bad.icon, 'error');
    assert.equal(bad.description, 'failed · 2.3 s');
    assert.match(bad.tooltipMarkdown, /Cause:/);
    assert.match(bad.tooltipMarkdown, /Fix:/);
    assert.match(bad.tooltipMarkdown, /\[Open docs\]\(https:\/\/login\.microsoftonline\.com\/error\?code=7000215\)/);
    assert.equal(stagePresentation('readClientId', { stage: 'readClientId', status: 'notRun' }).status, 'notRun');
    assert.equal(stagePresentation('send', { stage: 'send', status: 'cancelled' }).icon, 'circle-slash');
    assert.equal(stagePresentation('readClientId', undefined, { skipReason: 'Not needed: SAS' }).status, 'skipped');
  });

  void it('redacts known secrets and neutralises markdown from service text', () => {
    const redactor = new Redactor([SECRET]);
    const md = explainedErrorMarkdown(failure, (s) => redactor.redact(s));
    assert.ok(!md.includes(SECRET), md);
    assert.ok(!md.includes('](javascript:'), md);
  });
});

void describe('small formatters', () => {
  void it('format durations', () => {
    assert.equal(formatDuration(undefined), '');
    assert.equal(formatDuration(0), '0 ms');
    assert.equal(formatDuration(999), '999 ms');
    assert.equal(formatDuration(1500), '1.5 s');
    assert.equal(formatDuration(61_000), '1 min 1 s');
  });

  void it('escape markdown', () => {
    assert.equal(escapeMarkdown('[x](y)'), '\\[x\\]\\(y\\)');
  });

  void it('only link https docs', () => {
    assert.equal(safeDocsUrl('javascript:alert(1)'), undefined);
    assert.equal(safeDocsUrl('http://example.com'), undefined);
    assert.equal(safeDocsUrl('https://learn.microsoft.com/x'), 'https://learn.microsoft.com/x');
  });

  void it('describe secrets without values', () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    assert.equal(
      secretDescription({ enabled: true, version: '0123456789abcdef0123456789abcdef', expiresOn: new Date('2027-01-31T00:00:00Z'), role: 'clientId' }, now),
      'pipeline client id · enabled · v 01234567… · expires 2027-01-31',
    );
    assert.equal(secretDescription({ enabled: false, expiresOn: new Date('2026-01-01T00:00:00Z') }, now), 'disabled · expired 2026-01-01');
  });

  void it('describe a secret by its hygiene: expiring within the window, not yet valid', () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    const expiresOn = new Date('2026-06-13T00:00:00Z');
    const soon = assessSecret({ enabled: true, expiresOn }, { now, warningDays: 30 });
    assert.equal(
      secretDescription({ enabled: true, expiresOn, role: 'clientSecret', status: soon.status }, now),
      'pipeline client secret · enabled · expires in 12 days (2026-06-13)',
    );
    const relaxed = assessSecret({ enabled: true, expiresOn }, { now, warningDays: 7 });
    assert.equal(secretDescription({ enabled: true, expiresOn, status: relaxed.status }, now), 'enabled · expires 2026-06-13', 'outside a 7-day window: just the date');
    const notBefore = new Date('2026-07-01T00:00:00Z');
    const later = assessSecret({ enabled: true, notBefore }, { now, warningDays: 30 });
    assert.equal(secretDescription({ enabled: true, notBefore, status: later.status }, now), 'enabled · not valid until 2026-07-01');
  });

  void it('describe versions: pinned, latest, created, expiry', () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    assert.equal(
      secretVersionDescription({ enabled: true, latest: true, pinned: false, createdOn: new Date('2026-05-01T00:00:00Z'), expiresOn: new Date('2026-11-01T00:00:00Z') }, now),
      'latest · enabled · created 2026-05-01 · expires 2026-11-01',
    );
    assert.equal(
      secretVersionDescription({ enabled: false, latest: false, pinned: true, createdOn: new Date('2025-05-01T00:00:00Z'), expiresOn: new Date('2026-01-01T00:00:00Z') }, now),
      'pinned in the profile · disabled · created 2025-05-01 · expired 2026-01-01',
    );
  });

  void it('hygiene tooltip: the message and the fix, escaped; nothing when all is well', () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    const expired = assessSecret({ enabled: true, expiresOn: new Date('2026-05-01T00:00:00Z') }, { now, warningDays: 30, role: 'clientSecret', name: 'pipeline-client-secret' });
    const md = hygieneMarkdown(expired);
    assert.match(md, /^\$\(error\) \*\*Expired 31 days ago \\\(2026\\-05\\-01\\\)\*\*/);
    assert.match(md, /\*\*Fix:\*\* rotate: create a new client secret/);
    assert.equal(hygieneMarkdown(assessSecret({ enabled: true }, { now, warningDays: 30 })), '');
    assert.equal(hygieneMarkdown(undefined), '');
  });

  void it('build secret references', () => {
    assert.equal(secretReferenceUri('https://kv.vault.azure.net/', 'client-id'), 'https://kv.vault.azure.net/secrets/client-id');
    assert.equal(secretReferenceUri('https://kv.vault.azure.net', 'client-id', 'abc'), 'https://kv.vault.azure.net/secrets/client-id/abc');
  });
});

void describe('one duration and one wording everywhere (issue #11: notifications)', () => {
  const outcome = (stage: StageId, durationMs: number): StageOutcome => ({ stage, status: 'succeeded', durationMs });

  void it('a stage run shows the stage row figure, not the run total with the stages it needed', () => {
    const result = { ok: true, cancelled: false, totalMs: 66, outcomes: [outcome('keyVaultToken', 50), outcome('readClientId', 14)] };
    const summary = runSummary('readClientId', result);
    assert.equal(summary.text, 'Read client id: 14 ms');
    assert.equal(stagePresentation('readClientId', result.outcomes[1]).description, '14 ms', 'the tree row says the same');
  });

  void it('a full flow shows its total; failures name the stage; cancels say so', () => {
    assert.equal(runSummary('send', { ok: true, cancelled: false, totalMs: 1234, outcomes: [] }).text, 'Flow: 1.2 s');
    assert.deepEqual(runSummary('send', { ok: false, cancelled: false, failedStage: 'readClientId', totalMs: 9, outcomes: [] }), { icon: 'error', text: 'Flow failed at Read client id' });
    // A stage run alone that fails says so once, not "Read client secret failed at Read client secret".
    assert.deepEqual(runSummary('readClientSecret', { ok: false, cancelled: false, failedStage: 'readClientSecret', totalMs: 9, outcomes: [] }), { icon: 'error', text: 'Read client secret failed' });
    assert.deepEqual(runSummary('readClientSecret', { ok: false, cancelled: false, failedStage: 'keyVaultToken', totalMs: 9, outcomes: [] }), { icon: 'error', text: 'Read client secret failed at Key Vault token' });
    assert.equal(runSummary('probe', { ok: false, cancelled: true, totalMs: 9, outcomes: [] }).icon, 'circle-slash');
  });

  void it('a stage that never ran because an earlier one failed reads "not run", as in the panel and the CLI', () => {
    const p = stagePresentation('send', { stage: 'send', status: 'notRun' });
    assert.equal(p.description, 'not run');
    assert.match(p.tooltipMarkdown, /not run: an earlier stage failed/);
  });
});
