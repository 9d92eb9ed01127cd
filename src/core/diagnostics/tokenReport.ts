// An inspection told: one line for the log and the tree, text for the CLI, Markdown for the editor's view.
import { isoOf } from './tokenChecks';
import { type CheckStatus, mismatchesOf, type SafeClaims, type TokenInspection } from './tokenTypes';

const SIGNATURE_NOTE = 'The signature is not verified here (only the claims are read); the service checks it.';

/** One line for the log and the tree: "claims ok (aud, tid, exp, nbf)", or the checks that are not ok ("aud mismatch"). */
export function summarizeInspection(inspection: TokenInspection): string {
  if (!inspection.decoded) {
    return 'token not decodable (opaque)';
  }
  const bad = inspection.checks.filter((c) => c.status !== 'ok');
  if (bad.length === 0) {
    return `claims ok (${inspection.checks.map((c) => c.claim).join(', ')})`;
  }
  return bad.map((c) => `${c.claim} ${c.status}`).join(', ');
}

/** Multi-line text for the CLI. Redact it like everything printed. */
export function formatInspection(inspection: TokenInspection): string {
  const lines = [`Token for ${inspection.nextService} (${inspection.stage === 'keyVaultToken' ? 'stage 1' : 'stage 4'})`];
  if (inspection.decoded) {
    lines.push('Claims:');
    for (const [name, value] of Object.entries(inspection.claims) as [keyof SafeClaims, SafeClaims[keyof SafeClaims]][]) {
      lines.push(`  ${name.padEnd(6)} ${describeClaim(name, value)}`);
    }
  }
  lines.push('Checks:');
  for (const check of inspection.checks) {
    lines.push(`  ${MARKS[check.status]} ${check.claim.padEnd(6)} ${check.status.padEnd(8)} ${check.reason}`);
    if (check.fix) {
      lines.push(`  ${' '.repeat(17)}Fix: ${check.fix}`);
    }
  }
  lines.push(SIGNATURE_NOTE);
  return lines.join('\n');
}

const MARKS: Readonly<Record<CheckStatus, string>> = { ok: '✔', mismatch: '✘', unknown: '?' };

/** A read-only Markdown report (the extension's "Inspect Token" view). Redact it like everything shown. */
export function formatInspectionMarkdown(inspection: TokenInspection, heading: string): string {
  const cell = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/[\r\n]+/g, ' ');
  const stageNumber = inspection.stage === 'keyVaultToken' ? 1 : 4;
  const lines = [
    `# ${cell(heading)}`,
    '',
    `Token of stage ${stageNumber}, checked against what ${inspection.nextService} needs. The token itself is not shown. ${SIGNATURE_NOTE}`,
    '',
  ];
  const mismatches = mismatchesOf(inspection);
  lines.push(
    mismatches.length === 0
      ? `**No mismatch:** the token fits ${inspection.nextService}.`
      : `**${mismatches.length} mismatch${mismatches.length === 1 ? '' : 'es'}:** ${inspection.nextService} will likely refuse this token.`,
    '',
    '## Checks',
    '',
    '| | Claim | Status | Reason | Fix |',
    '|---|---|---|---|---|',
  );
  for (const check of inspection.checks) {
    lines.push(`| ${MARKS[check.status]} | \`${check.claim}\` | ${check.status} | ${cell(check.reason)} | ${cell(check.fix)} |`);
  }
  if (inspection.decoded) {
    lines.push('', '## Claims', '', '| Claim | Value |', '|---|---|');
    for (const [name, value] of Object.entries(inspection.claims) as [keyof SafeClaims, SafeClaims[keyof SafeClaims]][]) {
      lines.push(`| \`${name}\` | ${cell(describeClaim(name, value))} |`);
    }
  }
  return lines.join('\n') + '\n';
}

function describeClaim(name: keyof SafeClaims, value: SafeClaims[keyof SafeClaims]): string {
  if ((name === 'exp' || name === 'nbf' || name === 'iat') && typeof value === 'number') {
    return `${value} (${isoOf(value)})`;
  }
  return Array.isArray(value) ? value.join(', ') : String(value);
}
