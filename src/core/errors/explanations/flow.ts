// The explanation table's entries for the flow itself: sign-in, timeouts, cancel, invalid values, the unknown.
// Declarative data: one entry a code, read only through explanations/table.ts.
import type { ExplanationEntry } from './entry';
import { DOCS } from './docs';

export const UNKNOWN_ENTRY: ExplanationEntry = {
  summary: 'Something went wrong.',
  cause: 'An unexpected error occurred.',
  fix: 'Open the log for the full error and cause chain.',
  docsUrl: DOCS.adfKeyVault,
};

export const FLOW_EXPLANATIONS: Readonly<Record<string, ExplanationEntry>> = {
  NotSignedIn: {
    summary: 'Sign in to a Microsoft account in VS Code to read Key Vault with this profile.',
    cause:
      'The profile reads Key Vault as the account signed in to VS Code, and VS Code has no session for it (or, for sovereign clouds, microsoft-sovereign-cloud.environment is not set).',
    fix: 'Run "Sign In to Microsoft for Key Vault…" (or use the Accounts menu), then retry. Or switch the profile to a service principal or the Azure CLI.',
    docsUrl: 'https://code.visualstudio.com/docs/configure/accounts',
  },
  StageTimeout: {
    summary: 'The stage did not finish in time.',
    cause: 'No answer arrived within the stage timeout: the host may be unreachable, blocked by a firewall, or retrying internally.',
    fix: 'Check network access to the host of this stage, then retry or raise the stage timeout in settings.',
    docsUrl: DOCS.ehTroubleshoot,
  },
  Cancelled: {
    summary: 'The run was cancelled.',
    cause: 'The run was cancelled before this stage finished.',
    fix: 'Run it again when ready.',
    docsUrl: DOCS.adfKeyVault,
  },
  ValidationError: {
    summary: 'The profile has an invalid value.',
    cause: 'A value was rejected before anything was sent.',
    fix: 'Correct the named field in the profile.',
    docsUrl: DOCS.adfKeyVault,
  },
  Unknown: UNKNOWN_ENTRY,
};
