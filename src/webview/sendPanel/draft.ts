/**
 * The form's draft as data: a new draft (default, or from the settings the host kept), what of it
 * the host may keep, and the check that turns it into the form a Send posts. No DOM.
 */
import type { CustomProperty, DraftForm, PersistedForm, Protocol, SendForm } from '../../shared/sendPanelProtocol';
import { countProblem, rateProblem, SEND_PANEL_LIMITS } from '../../shared/sendPanelProtocol';

export function defaultDraft(sampleBody: string, protocol: Protocol): DraftForm {
  return {
    profileId: '',
    body: sampleBody,
    parameters: {},
    contentType: 'application/json',
    properties: [],
    partitionKind: 'none',
    partitionValue: '',
    protocol,
    count: '1',
    batch: true,
  };
}

/** A new draft from the settings the host kept for this workspace (names only, no values). */
export function draftFromPersisted(form: PersistedForm, sampleBody: string): DraftForm {
  return {
    profileId: form.profileId ?? '',
    body: sampleBody,
    parameters: Object.fromEntries(form.parameterNames.map((n) => [n, ''])),
    contentType: form.contentType,
    properties: form.propertyNames.map((name) => ({ name, value: '' })),
    partitionKind: form.partitionKind,
    partitionValue: '',
    protocol: form.protocol,
    count: String(form.count),
    batch: form.batch,
    ...(form.readBack ? { readBack: true } : {}),
  };
}

/** What the host may keep: no body, no parameter or property values, no partition value. */
export function toPersisted(draft: DraftForm): PersistedForm | undefined {
  if (countProblem(draft.count) || !draft.contentType.trim()) {
    return undefined;
  }
  const count = Number(draft.count);
  return {
    ...(draft.profileId ? { profileId: draft.profileId } : {}),
    contentType: draft.contentType.trim(),
    protocol: draft.protocol,
    count,
    batch: draft.batch,
    ...(draft.readBack ? { readBack: true } : {}),
    partitionKind: draft.partitionKind,
    parameterNames: Object.keys(draft.parameters).slice(0, SEND_PANEL_LIMITS.maxParameters),
    propertyNames: draft.properties.map((p) => p.name.trim()).filter((n) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(n)),
  };
}

/** Checks the draft the way the host will, so common mistakes are shown next to the field at once. */
export function toSendForm(draft: DraftForm, usedParameters: readonly string[]): { form: SendForm } | { error: string; focus: string } {
  if (!draft.profileId) {
    return { error: 'Choose a profile.', focus: 'profile' };
  }
  if (!draft.body.trim()) {
    return { error: 'Enter an event body.', focus: 'body' };
  }
  // The host's check and wording (the CLI's --count range).
  const badCount = countProblem(draft.count);
  if (badCount) {
    return { error: `${badCount.message} ${badCount.fix}`, focus: 'count' };
  }
  const count = Number(draft.count);
  const rateText = draft.rate?.trim() ?? '';
  if (rateText) {
    const badRate = rateProblem(rateText);
    if (badRate) {
      return { error: `${badRate.message} ${badRate.fix}`, focus: 'rate' };
    }
    if (!draft.batch) {
      return { error: 'A rate paces a batch send: check "Batch", or clear the rate.', focus: 'rate' };
    }
  }
  const properties: CustomProperty[] = [];
  for (const p of draft.properties) {
    const name = p.name.trim();
    if (!name && !p.value) {
      continue; // an empty row is ignored
    }
    if (!name) {
      return { error: 'Every custom property needs a name.', focus: 'properties' };
    }
    properties.push({ name, value: p.value });
  }
  const value = draft.partitionValue.trim();
  if (draft.partitionKind !== 'none' && !value) {
    return { error: `Enter a partition ${draft.partitionKind}, or choose "Any partition".`, focus: 'partition-value' };
  }
  if (draft.partitionKind === 'key' && value.length > SEND_PANEL_LIMITS.maxPartitionKeyLength) {
    return { error: `A partition key has at most ${SEND_PANEL_LIMITS.maxPartitionKeyLength} characters.`, focus: 'partition-value' };
  }
  if (draft.partitionKind === 'id' && !/^\d{1,16}$/.test(value)) {
    return { error: 'A partition id is a number such as 0 or 1.', focus: 'partition-value' };
  }
  const parameters: Record<string, string> = {};
  for (const name of usedParameters) {
    parameters[name] = draft.parameters[name] ?? '';
  }
  return {
    form: {
      profileId: draft.profileId,
      body: draft.body,
      parameters,
      contentType: draft.contentType.trim(),
      properties,
      partition: draft.partitionKind === 'none' ? { kind: 'none' } : { kind: draft.partitionKind, value },
      protocol: draft.protocol,
      count,
      batch: draft.batch,
      ...(rateText ? { rate: Number(rateText) } : {}),
      ...(draft.readBack ? { readBack: true } : {}),
    },
  };
}
