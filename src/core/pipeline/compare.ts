/**
 * Compare: the local flow and the pipeline run with the same parameters, stage by stage, and where
 * they disagree, what differs between the two runs: who signs in (the pipeline's managed identity or
 * its SecureString parameter vs the profile's local credential), the network (the factory's outbound
 * address and name resolution vs this machine's), or the secret version read.
 */
import type { FlowResult, StageOutcome } from '../flow/types';
import { STAGE_TITLES, type StageId } from '../flow/stageId';
import type { ConnectionProfile } from '../model/profile';
import type { PipelineRunResult, TimelineEntry } from './run';

export type Verdict = 'same' | 'passesLocallyOnly' | 'passesInPipelineOnly' | 'bothFailDifferently' | 'notRunInPipeline' | 'notRunLocally';

export interface ComparisonRow {
  readonly stage: StageId;
  readonly local?: { readonly status: string; readonly durationMs?: number; readonly code?: string; readonly summary?: string };
  readonly pipeline?: { readonly activityName: string; readonly status: string; readonly durationMs?: number; readonly attempts: number; readonly code?: string; readonly summary?: string };
  readonly verdict: Verdict;
  /** What differs between the two runs at this stage, when they disagree. */
  readonly difference?: string;
}

export interface Comparison {
  readonly rows: readonly ComparisonRow[];
  /** One line: agree, or where they first disagree. */
  readonly summary: string;
}

const STAGES: readonly StageId[] = ['keyVaultToken', 'readClientId', 'readClientSecret', 'eventHubsToken', 'send'];
const NETWORK_CODES = /^(E[A-Z]+|ENOTFOUND|ETIMEDOUT|ECONNREFUSED|ECONNRESET|StageTimeout|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_TLS|ActivityTimedOut|2308)/;
const IDENTITY_CODES = /^(ForbiddenByRbac|Forbidden|AccessDenied|Unauthorized|AKV10032|AKV10022|MissingSendClaim|InvalidAudience|AADSTS)/;

function localCredential(profile: ConnectionProfile): string {
  switch (profile.keyVault.auth.kind) {
    case 'servicePrincipal':
      return `the reader service principal ${profile.keyVault.auth.clientId}`;
    case 'azureCli':
      return 'your Azure CLI sign-in';
    case 'signedInUser':
      return 'your VS Code Microsoft account';
  }
}

function statusOf(outcome: StageOutcome | undefined): string {
  return outcome ? outcome.status : 'notRun';
}

function passed(status: string | undefined): boolean {
  return status === 'succeeded' || status === 'Succeeded';
}

function failed(status: string | undefined): boolean {
  return status === 'failed' || status === 'Failed';
}

/** Why a stage that passes locally fails in the pipeline (or the other way round). */
function differenceAt(stage: StageId, failingCode: string, failingIn: 'pipeline' | 'local', profile: ConnectionProfile, keyVaultAuth: 'msi' | 'servicePrincipal'): string {
  const kv = stage === 'readClientId' || stage === 'readClientSecret';
  if (failingCode === 'ForbiddenByFirewall' || NETWORK_CODES.test(failingCode)) {
    return failingIn === 'pipeline'
      ? `Network: the pipeline calls from the factory's (or workspace's) integration runtime, whose outbound address and name resolution differ from this machine's; ${STAGE_TITLES[stage]} is reachable from here but not from there (firewall, private endpoint or DNS).`
      : `Network: this machine cannot reach what the pipeline reaches for ${STAGE_TITLES[stage]} (proxy, firewall, DNS or a TLS-inspecting proxy on this side).`;
  }
  if (kv && keyVaultAuth === 'msi' && IDENTITY_CODES.test(failingCode)) {
    return failingIn === 'pipeline'
      ? `Identity: the pipeline reads the vault as the factory's (or workspace's) managed identity; the local run reads it as ${localCredential(profile)}. Grant the managed identity the Key Vault Secrets User role on the vault.`
      : `Identity: the local run reads the vault as ${localCredential(profile)}, the pipeline as its managed identity, which has access; give the local credential the Key Vault Secrets User role, or test with the pipeline's identity.`;
  }
  if ((stage === 'keyVaultToken' || kv) && keyVaultAuth === 'servicePrincipal') {
    return 'Identity: the pipeline signs in to Key Vault with the secret passed as its SecureString parameter, the local run with the profile\'s stored secret: check that both are the reader\'s current secret.';
  }
  if (stage === 'eventHubsToken' || stage === 'send') {
    return 'Secret version: both runs read the client id and secret from the vault, but the local run may have reused what it read earlier while the pipeline read the vault\'s current version (or the other way round); Refresh and run both again, or pin the version in the profile.';
  }
  return `The two runs differ at ${STAGE_TITLES[stage]}: compare the codes above.`;
}

export function compareRuns(local: FlowResult, pipeline: PipelineRunResult, profile: ConnectionProfile, keyVaultAuth: 'msi' | 'servicePrincipal'): Comparison {
  const byStage = new Map<StageId, TimelineEntry>();
  for (const entry of pipeline.timeline) {
    if (entry.stage) {
      byStage.set(entry.stage, entry);
    }
  }
  const rows = STAGES.flatMap((stage): ComparisonRow[] => {
    const outcome = local.outcomes.find((item) => item.stage === stage);
    const entry = byStage.get(stage);
    // With the managed identity there is no Key Vault token activity: its token is inside the reads.
    if (!entry && stage === 'keyVaultToken' && keyVaultAuth === 'msi' && outcome) {
      return [{ stage, local: localView(outcome), verdict: passed(outcome.status) ? 'same' : 'notRunInPipeline', ...(passed(outcome.status) ? {} : { difference: "The pipeline has no Key Vault token step: its managed identity's token comes with each Key Vault read." }) }];
    }
    if (!outcome && !entry) {
      return [];
    }
    const localStatus = statusOf(outcome);
    const pipelineStatus = entry?.status;
    const row = { stage, ...(outcome ? { local: localView(outcome) } : {}), ...(entry ? { pipeline: pipelineView(entry) } : {}) };
    if (!entry) {
      return [{ ...row, verdict: 'notRunInPipeline' }];
    }
    if (!outcome || localStatus === 'notRun') {
      return [{ ...row, verdict: 'notRunLocally' }];
    }
    if (passed(localStatus) && failed(pipelineStatus)) {
      return [{ ...row, verdict: 'passesLocallyOnly', difference: differenceAt(stage, entry.explained?.code ?? entry.error?.errorCode ?? '', 'pipeline', profile, keyVaultAuth) }];
    }
    if (failed(localStatus) && passed(pipelineStatus)) {
      return [{ ...row, verdict: 'passesInPipelineOnly', difference: differenceAt(stage, outcome.error?.code ?? '', 'local', profile, keyVaultAuth) }];
    }
    if (failed(localStatus) && failed(pipelineStatus) && outcome.error?.code !== entry.explained?.code) {
      return [{ ...row, verdict: 'bothFailDifferently', difference: differenceAt(stage, entry.explained?.code ?? '', 'pipeline', profile, keyVaultAuth) }];
    }
    return [{ ...row, verdict: 'same' }];
  });
  const first = rows.find((row) => row.verdict === 'passesLocallyOnly' || row.verdict === 'passesInPipelineOnly' || row.verdict === 'bothFailDifferently');
  const summary = first
    ? `They disagree at ${STAGE_TITLES[first.stage]}: ${first.verdict === 'passesLocallyOnly' ? 'it passes locally and fails in the pipeline' : first.verdict === 'passesInPipelineOnly' ? 'it fails locally and passes in the pipeline' : 'both fail, differently'}. ${first.difference ?? ''}`
    : local.ok && pipeline.status === 'Succeeded'
      ? 'Both runs pass every stage.'
      : 'Both runs end the same way at every stage they both ran.';
  return { rows, summary };
}

function localView(outcome: StageOutcome): NonNullable<ComparisonRow['local']> {
  return {
    status: outcome.status,
    ...(outcome.durationMs !== undefined ? { durationMs: outcome.durationMs } : {}),
    ...(outcome.error ? { code: outcome.error.code, summary: outcome.error.explanation.summary } : {}),
  };
}

function pipelineView(entry: TimelineEntry): NonNullable<ComparisonRow['pipeline']> {
  return {
    activityName: entry.activityName,
    status: entry.status,
    ...(entry.durationMs !== undefined ? { durationMs: entry.durationMs } : {}),
    attempts: entry.attempts,
    ...(entry.explained ? { code: entry.explained.code, summary: entry.explained.explanation.summary } : entry.error ? { code: entry.error.errorCode } : {}),
  };
}

/** The comparison as a Markdown table, side by side (for a read-only document). */
export function comparisonMarkdown(comparison: Comparison, title: string): string {
  const cell = (text: string | undefined): string => (text ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const ms = (value: number | undefined): string => (value === undefined ? '' : `${value} ms`);
  const lines = [
    `# ${cell(title)}`,
    '',
    cell(comparison.summary),
    '',
    '| Stage | Local run | Pipeline activity | Pipeline run | Same? |',
    '| --- | --- | --- | --- | --- |',
    ...comparison.rows.map((row) => {
      const local = row.local ? `${row.local.status} ${ms(row.local.durationMs)}${row.local.code ? ` — ${row.local.code}: ${row.local.summary ?? ''}` : ''}` : 'not run';
      const pipeline = row.pipeline
        ? `${row.pipeline.status} ${ms(row.pipeline.durationMs)}${row.pipeline.attempts > 1 ? ` (${row.pipeline.attempts} attempts)` : ''}${row.pipeline.code ? ` — ${row.pipeline.code}: ${row.pipeline.summary ?? ''}` : ''}`
        : 'no activity';
      return `| ${STAGE_TITLES[row.stage]} | ${cell(local)} | ${cell(row.pipeline?.activityName ?? '')} | ${cell(pipeline)} | ${row.verdict === 'same' ? 'yes' : cell(row.verdict)} |`;
    }),
    '',
    ...comparison.rows.filter((row) => row.difference).map((row) => `- **${STAGE_TITLES[row.stage]}**: ${cell(row.difference)}`),
    '',
  ];
  return lines.join('\n');
}
