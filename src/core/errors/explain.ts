// Explains an error: parse it, find its entry in the one table (explanations/table.ts), apply the
// stage, endpoint-auth and detail overrides, and format the result for the log, the CLI and the views.
import type { StageId } from '../flow/stageId';
import { STAGE_TITLES } from '../flow/stageId';
import { redact } from '../logging/redact';
import type { ExplainedError, Explanation, ParsedError } from './errors';
import { isValidationError } from './errors';
import { aadsts } from './explanations/docs';
import type { ExplanationEntry, ExplanationTexts } from './explanations/entry';
import { UNKNOWN_ENTRY } from './explanations/flow';
import { EXPLANATIONS, explanationKeyFor, FALLBACK_BY_SOURCE } from './explanations/table';
import type { EndpointAuthKind, ParseContext } from './parseError';
import { parseError } from './parseError';

export type { DetailVariant, ExplanationEntry, ExplanationTexts } from './explanations/entry';
export { EXPLANATIONS, explanationKeyFor } from './explanations/table';

/** What explain needs beyond the error: facts of the run that decide between fixes. */
export interface ExplainContext {
  readonly endpointAuth?: EndpointAuthKind;
}

/** The `byDetail` variants that apply, in table order, with their `{name}` placeholders filled in. */
function detailVariants(entry: ExplanationEntry, details: Readonly<Record<string, string>>): Partial<ExplanationTexts>[] {
  return (entry.byDetail ?? [])
    .filter((variant) => {
      const value = details[variant.detail];
      return value !== undefined && (variant.matches === undefined || variant.matches.test(value));
    })
    .map(({ summary, cause, fix, docsUrl }) => ({
      ...(summary !== undefined ? { summary: interpolate(summary, details) } : {}),
      ...(cause !== undefined ? { cause: interpolate(cause, details) } : {}),
      ...(fix !== undefined ? { fix: interpolate(fix, details) } : {}),
      ...(docsUrl !== undefined ? { docsUrl } : {}),
    }));
}

/** `{name}` → the detail's value (only in `byDetail` variants: other texts may show `{tenant}` literally). */
function interpolate(text: string, details: Readonly<Record<string, string>>): string {
  return text.replace(/(?<!\{)\{([A-Za-z]+)\}(?!\})/g, (whole, name: string) => details[name] ?? whole);
}

/** Cause and remedy for a parsed error, specific to the stage, the endpoint's auth and the service's own specifics. */
export function explain(parsed: ParsedError, stage?: StageId, context: ExplainContext = {}): Explanation {
  const key = explanationKeyFor(parsed.code);
  const fallbackKey = FALLBACK_BY_SOURCE[parsed.source];
  const entry = EXPLANATIONS[key ?? fallbackKey] ?? UNKNOWN_ENTRY;
  const details = parsed.details ?? {};
  const overrides: Partial<ExplanationTexts>[] = [
    (stage ? entry.byStage?.[stage] : undefined) ?? {},
    (context.endpointAuth ? entry.byEndpointAuth?.[context.endpointAuth] : undefined) ?? {},
    ...detailVariants(entry, details),
  ];
  const merged = overrides.reduce<ExplanationTexts>((texts, override) => ({ ...texts, ...override }), {
    summary: entry.summary,
    cause: entry.cause,
    fix: entry.fix,
    docsUrl: entry.docsUrl,
  });
  let { summary, cause, fix, docsUrl } = merged;
  if (!key) {
    // Generic advice: let the service's own words carry the specifics.
    cause = parsed.message && parsed.message !== parsed.code ? `${cause} It said: ${parsed.message}` : cause;
    const aad = /^AADSTS(\d+)$/.exec(parsed.code)?.[1];
    if (aad) {
      summary = `Entra ID refused the token request (${parsed.code}).`;
      docsUrl = aadsts(Number(aad));
    }
  }
  if (parsed.retryAfterSeconds !== undefined) {
    fix = `${fix} The service asked to wait ${parsed.retryAfterSeconds} s.`;
  }
  return { code: parsed.code, summary, cause, fix, docsUrl };
}

/** parse + explain: the single entry point the flow, the CLI and the extension use. */
export function explainError(error: unknown, context: ParseContext = {}): ExplainedError {
  const parsed = parseError(error, context);
  let explanation = explain(parsed, context.stage, context.endpointAuth ? { endpointAuth: context.endpointAuth } : {});
  if (isValidationError(error)) {
    // A ValidationError already says what is wrong and how to fix it.
    const secrets = context.secrets ?? [];
    explanation = {
      ...explanation,
      summary: redact(`${error.field}: ${error.problem}`, secrets),
      cause: redact(error.problem, secrets),
      fix: redact(error.fix, secrets),
    };
  }
  return { ...parsed, ...(context.stage ? { stage: context.stage } : {}), explanation };
}

/** Multi-line text for the log, the CLI and "Show details": summary, stage, cause, fix, docs, details. */
export function formatExplainedError(e: ExplainedError): string {
  const status = e.status !== undefined ? `, HTTP ${e.status}` : '';
  const lines = [`${e.explanation.summary} [${e.code}${status}]`];
  if (e.stage) {
    lines.push(`Stage: ${STAGE_TITLES[e.stage]}`);
  }
  lines.push(`Cause: ${e.explanation.cause}`, `Fix: ${e.explanation.fix}`);
  for (const likely of e.likelyCauses ?? []) {
    lines.push(`Likely cause (${STAGE_TITLES[likely.tokenStage]}, ${likely.claim}): ${likely.reason} Fix: ${likely.fix}`);
  }
  if (e.tried && e.tried.length > 0) {
    lines.push(`Tried: ${e.tried.join('; ')}`);
  }
  if (e.explanation.docsUrl) {
    lines.push(`Docs: ${e.explanation.docsUrl}`);
  }
  if (e.message && e.message !== e.code && !e.explanation.cause.includes(e.message)) {
    lines.push(`Details: ${e.message}`);
  }
  return lines.join('\n');
}
