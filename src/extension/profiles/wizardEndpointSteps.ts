// The Add/Edit Profile wizard's second half: the Eventstream endpoint (pasted or typed), how it
// authenticates the sender, the Event Hubs token and the transport.
// Declarative: one entry a step; the fields the read-back wizard asks too come from steps/endpointFields.ts.
import { parseConnectionString } from '../../core/azure/connectionString';
import { connectionStringAdvisory, keyNameAdvisory } from '../../core/diagnostics/leastPrivilege';
import { CLOUDS } from '../../core/model/cloud';
import { validateTenantId } from '../../core/model/validate';
import { askConnectionString, fillAddress, askEventHubName, askNamespace, askSasKey, askSasKeyName } from './steps/endpointFields';
import { leastPrivilege, PASTED_SECRET_PLACEHOLDER, pick, validatedInput } from './steps/prompts';
import { offerPicks } from '../discovery/wizardChoices';
import type { StepCheck } from './wizardPrompter';
import type { Draft, Step } from './wizardDraft';

export const ENDPOINT_STEPS: readonly Step[] = [
  {
    id: 'endpointSource',
    run: ({ d, frame, prompter }) =>
      pick(prompter, frame, {
        placeholder: 'Which Eventstream endpoint? (Fabric: Eventstream → custom endpoint source → Keys)',
        options: [
          { label: 'Paste a connection string', description: 'fills the namespace and event hub', detail: 'Endpoint=sb://eventstream-…;SharedAccessKeyName=key_…;SharedAccessKey=…;EntityPath=es_…', value: 'paste' as const },
          { label: 'Enter the namespace and event hub', description: 'eventstream-….servicebus.windows.net, es_…', value: 'manual' as const },
        ],
        active: d.endpointSource,
        set: (v) => (d.endpointSource = v),
      }),
  },
  {
    id: 'pasteConnectionString',
    when: (d) => d.endpointSource === 'paste',
    run: (ctx) =>
      askConnectionString(ctx, {
        prompt: 'Connection string of the endpoint. Its namespace and event hub fill the profile; its key is kept only if you choose SAS or connection-string authentication.',
        typed: ctx.d.pastedText,
        fallback: ctx.kept.connectionString,
        placeholder: 'Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…;EntityPath=…',
        cloud: ctx.d.cloud,
        advise: (v) => leastPrivilege(connectionStringAdvisory(v), 'If the endpoint authenticates with this key: '),
        set: (v, usedFallback) => {
          const { d } = ctx;
          d.pastedText = usedFallback ? '' : v;
          d.pasted = fillAddress(v, d.cloud, d);
          if (d.pasted.keyName) {
            d.sasKeyName = d.pasted.keyName;
          }
        },
      }),
  },
  {
    id: 'namespace',
    when: (d) => d.endpointSource === 'manual',
    run: async (ctx) => {
      const offered = await offerPicks(ctx.prompter, ctx.frame, ctx.options.choices?.hubs, (h) => ({ label: `${h.namespace} / ${h.eventHubName}`, ...(h.detail ? { detail: h.detail } : {}) }), 'Event Hubs namespace and hub (from Azure), or type them');
      if (offered !== 'type') {
        if ('picked' in offered) {
          // The hub step that follows opens with the picked hub, to confirm or change.
          ctx.d.namespace = offered.picked.namespace;
          ctx.d.eventHubName = offered.picked.eventHubName;
          return { kind: 'value', value: ctx.d.namespace };
        }
        return offered;
      }
      return askNamespace(ctx, {
        prompt: 'Event Hubs namespace host of the endpoint.',
        value: ctx.d.namespace,
        placeholder: `eventstream-xxxxxxxx${CLOUDS[ctx.d.cloud].eventHubsSuffix}`,
        cloud: ctx.d.cloud,
        set: (v) => (ctx.d.namespace = v),
      });
    },
  },
  {
    id: 'eventHubName',
    // Fabric strings carry EntityPath; asked only when the pasted one does not.
    when: (d) => d.endpointSource === 'manual' || (d.pasted !== undefined && !d.pasted.eventHubName),
    run: (ctx) => askEventHubName(ctx, { prompt: 'Event hub name (Fabric custom endpoints: es_…).', value: ctx.d.eventHubName, set: (v) => (ctx.d.eventHubName = v) }),
  },
  {
    id: 'endpointAuth',
    run: ({ d, frame, prompter }) => {
      const fromPaste = d.endpointSource === 'paste' ? 'uses the pasted connection string' : undefined;
      return pick(prompter, frame, {
        placeholder: 'How does the endpoint authenticate the sender?',
        options: [
          {
            label: 'Entra ID (the secure flow)',
            description: 'recommended',
            detail: 'The client id and secret read from Key Vault get an Event Hubs token, as the pipeline does.',
            value: 'entra' as const,
          },
          { label: 'SAS key', description: d.pasted?.key ? 'uses the pasted key' : 'key name and key', value: 'sas' as const },
          { label: 'Connection string', description: fromPaste ?? 'paste it next', value: 'connectionString' as const },
        ],
        active: d.endpointAuth,
        set: (v) => (d.endpointAuth = v),
      });
    },
  },
  {
    id: 'sasKeyName',
    when: (d) => d.endpointAuth === 'sas',
    run: (ctx) =>
      askSasKeyName(ctx, {
        prompt: 'SAS key (policy) name (Fabric: key_…).',
        value: ctx.d.sasKeyName,
        advise: (v) => leastPrivilege(keyNameAdvisory(v)),
        set: (v) => (ctx.d.sasKeyName = v),
      }),
  },
  {
    id: 'sasKey',
    when: (d) => d.endpointAuth === 'sas',
    run: (ctx) => {
      const { d, kept } = ctx;
      const pastedKey = d.endpointSource === 'paste' ? d.pasted?.key : undefined;
      return askSasKey(ctx, {
        prompt: 'SAS key (primary or secondary). Stored in SecretStorage only.',
        typed: d.sasKey,
        fallback: pastedKey ?? kept.sasKey,
        ...(pastedKey ? { fallbackPlaceholder: PASTED_SECRET_PLACEHOLDER } : {}),
        set: (v, usedFallback) => (d.sasKey = usedFallback ? '' : v),
      });
    },
  },
  {
    id: 'connectionString',
    when: (d, kept) => d.endpointAuth === 'connectionString' && !(d.endpointSource === 'paste' && (d.pastedText || kept.connectionString)),
    run: (ctx) =>
      askConnectionString(ctx, {
        prompt: `Connection string for ${ctx.d.eventHubName || 'the event hub'}. Stored in SecretStorage only.`,
        typed: ctx.d.connectionString,
        fallback: ctx.kept.connectionString,
        placeholder: 'Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…;EntityPath=…',
        cloud: ctx.d.cloud,
        advise: (v) => checkMatchesEndpoint(v, ctx.d) ?? leastPrivilege(connectionStringAdvisory(v)),
        set: (v, usedFallback) => (ctx.d.connectionString = usedFallback ? '' : v),
      }),
  },
  {
    id: 'ehTenantId',
    when: (d) => d.endpointAuth === 'entra',
    run: ({ d, frame, prompter, initialError }) =>
      validatedInput(prompter, frame, initialError, {
        prompt: 'Tenant of the pipeline’s service principal, for the Event Hubs token (usually the Key Vault tenant).',
        value: d.ehTenantId || d.kvTenantId,
        placeholder: '00000000-0000-0000-0000-000000000000',
        label: 'The tenant',
        validator: (v) => validateTenantId(v),
        set: (v) => (d.ehTenantId = v),
      }),
  },
  {
    id: 'endpointVersion',
    when: (d) => d.endpointAuth === 'entra',
    run: ({ d, frame, prompter }) =>
      pick(prompter, frame, {
        placeholder: 'Which Entra token endpoint for the Event Hubs token?',
        options: [
          { label: 'v1, like the pipeline', description: 'resource=https://eventhubs.azure.net', value: 'v1' as const },
          { label: 'v2', description: 'scope=https://eventhubs.azure.net/.default', value: 'v2' as const },
        ],
        active: d.endpointVersion,
        set: (v) => (d.endpointVersion = v),
      }),
  },
  {
    id: 'transport',
    run: ({ d, frame, prompter }) =>
      pick(prompter, frame, {
        placeholder: 'How are events sent?',
        options: [
          { label: 'REST (HTTPS)', description: 'like a pipeline Web activity', value: 'rest' as const },
          { label: 'AMQP over TLS', description: 'port 5671, like the Event Hubs SDKs', value: 'amqp-tcp' as const },
          { label: 'AMQP over WebSockets', description: 'port 443, through firewalls and proxies', value: 'amqp-websockets' as const },
        ],
        active: d.transport,
        set: (v) => (d.transport = v),
      }),
  },
];

/** A connection string typed after the address: it must name the same namespace and hub. */
function checkMatchesEndpoint(text: string, d: Draft): StepCheck {
  const parsed = parseConnectionString(text);
  if (parsed.eventHubName && d.eventHubName && parsed.eventHubName !== d.eventHubName) {
    return { severity: 'error', message: `This connection string is for ${parsed.eventHubName}, but the profile's event hub is ${d.eventHubName}. Paste the string of that event hub, or go back and change the event hub.` };
  }
  if (d.namespace && parsed.namespace !== d.namespace.toLowerCase()) {
    return { severity: 'error', message: `This connection string is for ${parsed.namespace}, but the profile's namespace is ${d.namespace}. Paste the string of that namespace, or go back and change it.` };
  }
  return undefined;
}
