// The Add/Edit Profile wizard: one step per value, each checked where it is typed with the core
// validators, with back navigation that keeps every answer. Written against `WizardPrompter`, so
// it has no runtime dependency on vscode and is tested in plain Node with a scripted prompter.
// The steps live in wizardVaultSteps.ts and wizardEndpointSteps.ts, the draft in wizardDraft.ts,
// and the prompts both wizards share in steps/.
import type { ConnectionProfile } from '../../core/model/profile';
import { normalizeProfile, validateProfile } from '../../core/model/validate';
import { buildProfile, draftOf, type Draft, type Kept, keptOf, type ProfileWizardOptions, type Step, type StepId } from './wizardDraft';
import { ENDPOINT_STEPS } from './wizardEndpointSteps';
import { VAULT_STEPS } from './wizardVaultSteps';
import { describeProblem } from './steps/prompts';
import { runWizard } from './wizardPrompter';

export type { ProfileWizardOptions, WizardDefaults } from './wizardDraft';
// The prompt helpers moved to steps/prompts.ts; re-exported for the importers of this module.
export { check, checkConnectionString, describeProblem, error, input, KEEP_SECRET_PLACEHOLDER, leastPrivilege, PASTED_SECRET_PLACEHOLDER, pick, secretInput, valueOf } from './steps/prompts';
export { formatSecretRef, parseSecretRef } from './steps/secretRefs';

const STEPS: readonly Step[] = [...VAULT_STEPS, ...ENDPOINT_STEPS];

/**
 * Runs the wizard to the end and returns the profile (not yet stored). The whole profile is
 * validated at the end too; a problem found there reopens the step that owns the field, with the
 * message shown and every other answer kept. Rejects with CancelledError when dismissed.
 */
export async function runProfileWizard(options: ProfileWizardOptions): Promise<ConnectionProfile> {
  const existing = options.existing;
  const d = draftOf(existing, options.defaults);
  const kept = keptOf(existing);
  return runWizard<Step, StepId, ConnectionProfile>({
    title: existing ? `Edit Profile: ${existing.name}` : 'Add Profile',
    steps: STEPS,
    isActive: (step) => !step.when || step.when(d, kept),
    run: (step, frame, initialError) => step.run({ d, kept, frame, initialError, prompter: options.prompter, options }),
    finish: () => {
      const profile = buildProfile(d, kept, options);
      const problem = validateProfile(normalizeProfile(profile))[0];
      if (!problem) {
        return { done: profile };
      }
      const target = stepForField(problem.field, d, kept);
      if (!target || !STEPS.some((s) => s.id === target && (!s.when || s.when(d, kept)))) {
        throw problem;
      }
      return { reopen: target, message: describeProblem(problem) };
    },
  });
}

/** The step that owns a field path from `validateProfile` (longest prefix wins). */
function stepForField(field: string, d: Draft, kept: Kept): StepId | undefined {
  const pasted = d.endpointSource === 'paste';
  const owners: [string, StepId][] = [
    ['name', 'name'],
    ['cloud', 'cloud'],
    ['keyVault.vaultUrl', 'vaultUrl'],
    ['keyVault.auth.tenantId', 'kvTenantId'],
    ['keyVault.auth.clientId', 'kvClientId'],
    ['keyVault.auth.clientSecret', 'kvClientSecret'],
    ['keyVault.clientIdSecret', 'clientIdSecret'],
    ['keyVault.clientSecretSecret', 'clientSecretSecret'],
    ['eventHubsToken.tenantId', 'ehTenantId'],
    ['endpoint.namespace', pasted ? 'pasteConnectionString' : 'namespace'],
    ['endpoint.eventHubName', 'eventHubName'],
    ['endpoint.auth.keyName', 'sasKeyName'],
    ['endpoint.auth.key', 'sasKey'],
    ['endpoint.auth.connectionString', pasted && (d.pastedText || kept.connectionString) ? 'pasteConnectionString' : 'connectionString'],
  ];
  const match = owners.filter(([prefix]) => field === prefix || field.startsWith(`${prefix}.`)).sort((a, b) => b[0].length - a[0].length)[0];
  if (!match) {
    return undefined;
  }
  const step = STEPS.find((s) => s.id === match[1]);
  return step && (!step.when || step.when(d, kept)) ? step.id : undefined;
}
