import type { HygieneStatus, HygieneVerdict } from '../../core/diagnostics/secretHygiene';
import { summarizeInspection } from '../../core/diagnostics/tokenInspector';
import type { ExplainedError } from '../../core/errors/errors';
import type { FlowResult, StageId, StageOutcome } from '../../core/flow/types';
import { STAGE_TITLES } from '../../core/flow/types';

/**
 * How a stage's last result looks in the tree: codicon, description and tooltip markdown.
 * Pure (no vscode): the node wraps the markdown in a MarkdownString. Every piece of text that may
 * come from a service goes through `redact` (the session redactor) once more before it is shown.
 */
export type StageIcon = 'pass' | 'error' | 'loading~spin' | 'circle-outline' | 'circle-slash' | 'debug-step-over';

export interface StagePresentation {
  readonly icon: StageIcon;
  /** ThemeColor id for the icon, when it should stand out. */
  readonly color?: 'testing.iconPassed' | 'testing.iconFailed' | 'disabledForeground';
  readonly description: string;
  readonly tooltipMarkdown: string;
  /** `status:<x>` flag for the context value. */
  readonly status: 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped' | 'notRun' | 'idle';
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) {
    return '';
  }
  if (ms < 1000) {
    return `${Math.max(0, Math.round(ms))} ms`;
  }
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Escapes text for Markdown so service messages cannot inject links, images or HTML. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

const identity = (s: string): string => s;


/** Cause, fix and docs link of a failure, as Markdown (tooltips and the send panel may share it). */
export function explainedErrorMarkdown(original: ExplainedError, redact: (text: string) => string = identity): string {
  const error = original;
  const e = (text: string): string => escapeMarkdown(redact(text));
  const status = error.status !== undefined ? ` · HTTP ${error.status}` : '';
  const lines = [`**${e(error.explanation.summary)}**`, '', `\`${redact(error.code).replace(/`/g, "'")}\`${status}`, '', `**Cause:** ${e(error.explanation.cause)}`, '', `**Fix:** ${e(error.explanation.fix)}`];
  for (const likely of error.likelyCauses ?? []) {
    lines.push('', `**Likely cause** (${STAGE_TITLES[likely.tokenStage]}, \`${likely.claim}\`): ${e(likely.reason)} ${e(likely.fix)}`);
  }
  if (error.message && error.message !== error.code && !error.explanation.cause.includes(error.message)) {
    lines.push('', `**Details:** ${e(error.message)}`);
  }
  if (error.tried && error.tried.length > 0) {
    lines.push('', `**Tried:** ${e(error.tried.join('; '))}`);
  }
  const docs = safeDocsUrl(error.explanation.docsUrl);
  if (docs) {
    lines.push('', `[Open docs](${docs})`);
  }
  return lines.join('\n');
}

/** Only https links to known documentation hosts are rendered as links. */
export function safeDocsUrl(url: string | undefined): string | undefined {
  if (!url) {
    return undefined;
  }
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' ? parsed.toString().replace(/[()]/g, encodeURIComponent) : undefined;
  } catch {
    return undefined;
  }
}

export function stagePresentation(
  stage: StageId,
  outcome: StageOutcome | undefined,
  options: { running?: boolean; skipReason?: string; redact?: (text: string) => string } = {},
): StagePresentation {
  const redact = options.redact ?? identity;
  const title = `**${STAGE_TITLES[stage]}**`;
  if (options.running) {
    return { icon: 'loading~spin', description: 'running…', tooltipMarkdown: `${title} — running…`, status: 'running' };
  }
  if (options.skipReason && (!outcome || outcome.status === 'skipped')) {
    return {
      icon: 'circle-slash',
      color: 'disabledForeground',
      description: 'not needed',
      tooltipMarkdown: `${title} — not needed\n\n${escapeMarkdown(redact(options.skipReason))}`,
      status: 'skipped',
    };
  }
  if (!outcome) {
    return { icon: 'circle-outline', description: 'not run', tooltipMarkdown: `${title} — not run yet in this session.`, status: 'idle' };
  }
  const duration = formatDuration(outcome.durationMs);
  switch (outcome.status) {
    case 'succeeded':
      return {
        icon: 'pass',
        color: 'testing.iconPassed',
        description: duration,
        tooltipMarkdown: `${title} — succeeded${duration ? ` in ${duration}` : ''}${outcome.summary ? `\n\n${escapeMarkdown(redact(outcome.summary))}` : ''}${
          outcome.inspection ? `\n\nToken: ${escapeMarkdown(redact(summarizeInspection(outcome.inspection)))} (Inspect Token for the claims)` : ''
        }`,
        status: 'succeeded',
      };
    case 'failed':
      return {
        icon: 'error',
        color: 'testing.iconFailed',
        description: duration ? `failed · ${duration}` : 'failed',
        tooltipMarkdown: `${title} — failed${duration ? ` after ${duration}` : ''}${outcome.error ? `\n\n${explainedErrorMarkdown(outcome.error, redact)}` : ''}`,
        status: 'failed',
      };
    case 'cancelled':
      return { icon: 'circle-slash', description: 'cancelled', tooltipMarkdown: `${title} — cancelled.`, status: 'cancelled' };
    case 'skipped':
      return { icon: 'circle-slash', color: 'disabledForeground', description: 'skipped', tooltipMarkdown: `${title} — skipped.`, status: 'skipped' };
    case 'notRun':
      return {
        icon: 'debug-step-over',
        color: 'disabledForeground',
        // The words the send panel and the CLI use for it (issue #11: one wording everywhere).
        description: 'not run',
        tooltipMarkdown: `${title} — not run: an earlier stage failed.`,
        status: 'notRun',
      };
  }
}

/**
 * The secret's state in one line: "enabled · v 3f2a9c1e… · expires 2027-01-31"; with its hygiene
 * status, an expiry inside the warning window reads "expires in 12 days (2027-01-31)" and a future
 * activation date "not valid until 2027-01-01".
 */
export function secretDescription(
  info: { enabled: boolean; version?: string; expiresOn?: Date; notBefore?: Date; role?: 'clientId' | 'clientSecret'; status?: HygieneStatus },
  now: number,
): string {
  const parts: string[] = [];
  if (info.role) {
    parts.push(info.role === 'clientId' ? 'pipeline client id' : 'pipeline client secret');
  }
  parts.push(info.enabled ? 'enabled' : 'disabled');
  if (info.version) {
    parts.push(`v ${shortVersion(info.version)}`);
  }
  if (info.status?.kind === 'notYetValid' && info.notBefore) {
    parts.push(`not valid until ${isoDay(info.notBefore)}`);
  }
  if (info.expiresOn) {
    const day = isoDay(info.expiresOn);
    const status = info.status;
    parts.push(
      info.expiresOn.getTime() <= now
        ? `expired ${day}`
        : status?.kind === 'expiringSoon'
          ? `expires in ${status.days} day${status.days === 1 ? '' : 's'} (${day})`
          : `expires ${day}`,
    );
  }
  return parts.join(' · ');
}

/** One version in one line: "latest · pinned · enabled · created 2026-10-01 · expires 2027-01-31". */
export function secretVersionDescription(
  info: { enabled: boolean; createdOn?: Date; expiresOn?: Date; notBefore?: Date; latest: boolean; pinned: boolean },
  now: number,
): string {
  const parts: string[] = [];
  if (info.pinned) {
    parts.push('pinned in the profile');
  }
  if (info.latest) {
    parts.push('latest');
  }
  parts.push(info.enabled ? 'enabled' : 'disabled');
  if (info.createdOn) {
    parts.push(`created ${isoDay(info.createdOn)}`);
  }
  if (info.notBefore && info.notBefore.getTime() > now) {
    parts.push(`not valid until ${isoDay(info.notBefore)}`);
  }
  if (info.expiresOn) {
    parts.push(`${info.expiresOn.getTime() <= now ? 'expired' : 'expires'} ${isoDay(info.expiresOn)}`);
  }
  return parts.join(' · ');
}

/** A hygiene verdict as tooltip Markdown: the message in bold, then the fix. Empty when all is well. */
export function hygieneMarkdown(verdict: HygieneVerdict | undefined): string {
  if (!verdict || verdict.severity === 'ok') {
    return '';
  }
  const mark = verdict.severity === 'error' ? '$(error)' : '$(warning)';
  return [`${mark} **${escapeMarkdown(verdict.message)}**`, ...(verdict.fix ? ['', `**Fix:** ${escapeMarkdown(verdict.fix)}`] : [])].join('\n');
}

export function shortVersion(version: string): string {
  return version.length > 8 ? `${version.slice(0, 8)}…` : version;
}

function isoDay(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'an invalid date' : date.toISOString().slice(0, 10);
}

/** The reference a pipeline (or Fabric) uses: the secret identifier URI, never the value. */
export function secretReferenceUri(vaultUrl: string, name: string, version?: string): string {
  const base = vaultUrl.replace(/\/+$/, '');
  return `${base}/secrets/${encodeURIComponent(name)}${version ? `/${encodeURIComponent(version)}` : ''}`;
}

/**
 * A finished run in one line, for the status bar: "Read client id: 14 ms" gives the stage's own
 * duration, the figure its tree row shows (not the run's total with the stages it needed); a full
 * flow ("Flow: 1.2 s") gives the total, as the profile row does.
 */
export function runSummary(target: StageId, result: Pick<FlowResult, 'ok' | 'cancelled' | 'failedStage' | 'outcomes' | 'totalMs'>): { readonly icon: 'pass' | 'error' | 'circle-slash'; readonly text: string } {
  const what = target === 'send' ? 'Flow' : STAGE_TITLES[target];
  if (result.cancelled) {
    return { icon: 'circle-slash', text: `${what} cancelled` };
  }
  if (!result.ok) {
    // "Read client secret failed", not "… failed at Read client secret": the stage run alone failed itself.
    const at = result.failedStage === undefined ? ' at a stage' : result.failedStage === target ? '' : ` at ${STAGE_TITLES[result.failedStage]}`;
    return { icon: 'error', text: `${what} failed${at}` };
  }
  const own = target === 'send' ? undefined : result.outcomes.find((o) => o.stage === target)?.durationMs;
  return { icon: 'pass', text: `${what}: ${formatDuration(own ?? result.totalMs)}` };
}
