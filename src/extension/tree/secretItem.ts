import * as vscode from 'vscode';
import type { HygieneStatus, HygieneVerdict } from '../../core/diagnostics/secretHygiene';
import { CONTEXT } from './nodeIds';
import { escape } from './secretText';

// What the Key Vault's nodes draw alike: the warning icon of one that needs attention (vault,
// secret, version), a secret's or a version's hygiene status as context flags, and their tooltip,
// which ends with the reference Copy Secret Reference copies.

/** The warning icon, in the warning colour for a warning and the error colour otherwise. */
export function attentionIcon(severity: HygieneVerdict['severity'] | undefined): vscode.ThemeIcon {
  return new vscode.ThemeIcon('warning', new vscode.ThemeColor(severity === 'warning' ? 'problemsWarningIcon.foreground' : 'problemsErrorIcon.foreground'));
}

/** The context flags the menus match for a hygiene status (expired, expiring soon, not yet valid). */
export function statusFlags(status: HygieneStatus['kind']): readonly (string | false)[] {
  return [status === 'expired' && CONTEXT.expired, status === 'expiringSoon' && CONTEXT.expiringSoon, status === 'notYetValid' && CONTEXT.notYetValid];
}

/** A secret's or a version's tooltip: its lines, then its reference. */
export function secretTooltip(lines: readonly string[], referenceUri: string): vscode.MarkdownString {
  const tooltip = new vscode.MarkdownString([...lines, '', `Reference: \`${escape(referenceUri)}\``].join('\n'));
  tooltip.supportThemeIcons = true;
  return tooltip;
}
