/**
 * The Web activity (learn.microsoft.com/azure/data-factory/control-flow-web-activity), the one activity
 * that reaches the peers: method, url, headers, body, authentication (MSI with a resource,
 * ServicePrincipal, Basic); a JSON answer's properties become the output beside
 * ADFWebActivityResponseHeaders, anything else is `Response`; the HTTP call times out after 1 minute
 * unless httpRequestTimeout says otherwise. It adds every credential it reads to the run's secrets.
 */
import { type ActivityDefinition, type PipelineDefinition, parseTimespan } from './definition';
import { evaluateValue, ExpressionError, parseTemplate, referencedActivities, toText, type ExpressionScope, type Value } from './expression';
import { fail, failure, noResponse, reasonOf, type AttemptFailure, type AttemptResult } from './attemptResult';
import type { RunnerEnvironment } from './runRecords';
import { sendWebRequest, type WebResponse } from './webRequest';

const WEB_ACTIVITY_HTTP_TIMEOUT_MS = 60_000;

/** What a Web activity sees of its run. */
export interface WebActivityContext {
  readonly env: RunnerEnvironment;
  readonly definition: PipelineDefinition;
  /** Secret strings seen in this run: the activity adds each credential it reads and checks its input against them. */
  readonly secrets: Set<string>;
  scope(activity: ActivityDefinition): ExpressionScope;
  /** A scaled timeout (RunnerEnvironment.timeScale), never under 2 s. */
  scaleTimeout(ms: number): number;
}


/** Runs one attempt of a Web activity: evaluates its request, authenticates, sends it and reads the answer. */
export async function runWebActivity(context: WebActivityContext, activity: ActivityDefinition, signal: AbortSignal): Promise<AttemptResult> {
  const scope = context.scope(activity);
  const props = activity.typeProperties;
  let method: string;
  let url: URL;
  let headers: Record<string, string>;
  let body: string | undefined;
  let input: Value;
  let authentication: Value;
  try {
    method = toText(evaluateValue(props['method'] ?? 'GET', scope)).toUpperCase();
    const urlText = toText(evaluateValue(props['url'], scope));
    try {
      url = new URL(urlText);
    } catch {
      return fail('2108', `The URL '${urlText}' of '${activity.name}' is not a valid absolute URL.`, 'UserError', null, false);
    }
    const rawHeaders = evaluateValue(props['headers'] ?? {}, scope);
    headers = {};
    if (typeof rawHeaders === 'object' && rawHeaders !== null && !Array.isArray(rawHeaders)) {
      for (const [name, value] of Object.entries(rawHeaders as Record<string, Value>)) {
        headers[name] = toText(value);
      }
    }
    if (props['body'] !== undefined && method !== 'GET') {
      const value = evaluateValue(props['body'], scope);
      body = typeof value === 'string' ? value : toText(value);
    }
    authentication = props['authentication'] === undefined ? null : evaluateValue(props['authentication'], scope);
    input = { method, url: url.href, headers, ...(body !== undefined ? { body } : {}), ...(authentication !== null ? { authentication: redactAuthentication(authentication) } : {}) };
  } catch (error) {
    if (error instanceof ExpressionError) {
      return fail('InvalidTemplate', `${error.message} (activity '${activity.name}', expression '${error.expression}')`, 'UserError', null, false);
    }
    throw error;
  }
  if (context.env.strictSecrets !== false && !activity.policy.secureInput) {
    const leaked = leakedIn(context, activity, JSON.stringify(input));
    if (leaked) {
      return fail(
        'SandboxSecureInputRequired',
        `Sandbox rule (not the service's): activity '${activity.name}' has secureInput off, but its input carries a secret from ${leaked}; the run history would show it. Turn secureInput on.`,
        'UserError',
        null,
        false,
      );
    }
  }
  const httpTimeout = typeof props['httpRequestTimeout'] === 'string' ? (parseTimespan(props['httpRequestTimeout']) ?? WEB_ACTIVITY_HTTP_TIMEOUT_MS) : WEB_ACTIVITY_HTTP_TIMEOUT_MS;
  const auth = await authenticate(context, authentication, signal, context.scaleTimeout(httpTimeout));
  if ('failure' in auth) {
    return { ...auth.failure, input };
  }
  let response: WebResponse;
  try {
    response = await sendWebRequest(context.env.route, context.env.caPem, {
      method,
      url,
      headers: { ...headers, ...(auth.header ? { Authorization: auth.header } : {}) },
      ...(body !== undefined ? { body } : {}),
      timeoutMs: context.scaleTimeout(httpTimeout),
      signal,
    });
  } catch (error) {
    return noResponse(error, url, input, signal);
  }
  if (response.status < 200 || response.status >= 300) {
    return fail('2108', `Invoking Web Activity failed with HttpStatusCode - '${response.status} : ${reasonOf(response)}', message - '${response.text}'`, 'UserError', input);
  }
  const output = webOutput(response);
  const secretFields = credentialFields(url, output);
  for (const field of secretFields) {
    const value = (output as Record<string, Value>)[field];
    if (typeof value === 'string' && value) {
      context.secrets.add(value);
    }
  }
  if (context.env.strictSecrets !== false && !activity.policy.secureOutput && secretFields.length > 0) {
    const readers = readersOf(context.definition, activity.name);
    return fail(
      'SandboxSecureOutputRequired',
      `Sandbox rule (not the service's): activity '${activity.name}' has secureOutput off, but its output carries a secret (${secretFields.join(', ')}) the run history would show${readers ? `; it is read by ${readers}` : ''}. Turn secureOutput on.`,
      'UserError',
      input,
      false,
    );
  }
  return { kind: 'succeeded', input, output };
}

/** Which earlier secret an input carries: a SecureString parameter or a secure output, named by expression. */
function leakedIn(context: WebActivityContext, activity: ActivityDefinition, text: string): string | undefined {
  if (![...context.secrets].some((secret) => text.includes(secret) || text.includes(encodeURIComponent(secret)))) {
    return undefined;
  }
  const sources = templatesOf(activity.typeProperties).filter((source) => /activity\(|parameters/i.test(source));
  return sources.length > 0 ? sources.map((source) => `'${source}'`).join(', ') : 'an earlier activity';
}

/** The expressions of other activities that read `name`'s output, for the message. */
function readersOf(definition: PipelineDefinition, name: string): string {
  const found: string[] = [];
  for (const other of definition.activities) {
    for (const source of templatesOf(other.typeProperties)) {
      try {
        const template = parseTemplate(source);
        const nodes = template.kind === 'expression' ? [template.node] : template.kind === 'interpolation' ? template.parts.flatMap((part) => ('node' in part ? [part.node] : [])) : [];
        if (nodes.some((node) => referencedActivities(node).includes(name))) {
          found.push(`'${other.name}' (${source})`);
        }
      } catch {
        // Not an expression.
      }
    }
  }
  return found.join(', ');
}

async function authenticate(context: WebActivityContext, authentication: Value, signal: AbortSignal, timeoutMs: number): Promise<{ header?: string } | { failure: AttemptFailure }> {
  if (authentication === null) {
    return {};
  }
  if (typeof authentication !== 'object' || Array.isArray(authentication)) {
    return { failure: failure('2108', 'The authentication of the Web activity must be an object.', 'UserError', false) };
  }
  const auth = authentication as Record<string, Value>;
  const type = toText(auth['type'] ?? '');
  const resource = toText(auth['resource'] ?? '');
  if (type === 'Basic') {
    const password = secureValue(auth['password']);
    return { header: `Basic ${Buffer.from(`${toText(auth['username'] ?? '')}:${password}`).toString('base64')}` };
  }
  if (type !== 'MSI' && type !== 'ServicePrincipal') {
    return { failure: failure('2108', `The sandbox's Web activity knows authentication MSI, ServicePrincipal and Basic, not '${type}'.`, 'UserError', false) };
  }
  if (!resource) {
    return { failure: failure('2108', `Authentication ${type} needs a resource.`, 'UserError', false) };
  }
  const identity = context.env.managedIdentity;
  const clientId = type === 'MSI' ? identity.clientId : toText(auth['username'] ?? '');
  const clientSecret = type === 'MSI' ? identity.clientSecret : secureValue(auth['password']);
  const tenant = type === 'MSI' ? identity.tenantId : toText(auth['userTenant'] ?? auth['tenant'] ?? identity.tenantId);
  // The factory's managed identity is a service principal of the tenant; the sandbox asks the Entra
  // peer for its token like any client (how the real service obtains it is internal: undocumented).
  const tokenUrl = new URL(`${identity.authorityHost}/${encodeURIComponent(tenant)}/oauth2/token`);
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, resource }).toString();
  let response: WebResponse;
  try {
    response = await sendWebRequest(context.env.route, context.env.caPem, {
      method: 'POST',
      url: tokenUrl,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form,
      timeoutMs,
      signal,
    });
  } catch (error) {
    const result = noResponse(error, tokenUrl, null, signal);
    return { failure: result.kind === 'failed' ? result : failure('2308', 'The run was cancelled while the token was requested.', 'UserError', false) };
  }
  if (response.status !== 200) {
    // The service's wording for a failed managed identity token is undocumented; the Entra answer is kept whole.
    return {
      failure: failure(
        '2108',
        `Failed to get an access token with ${type === 'MSI' ? "the managed identity" : 'the service principal'} for resource '${resource}': HttpStatusCode - '${response.status} : ${reasonOf(response)}', message - '${response.text}'`,
        'UserError',
      ),
    };
  }
  let token = '';
  try {
    const parsed = (JSON.parse(response.text) as { access_token?: unknown }).access_token;
    token = typeof parsed === 'string' ? parsed : '';
  } catch {
    token = '';
  }
  if (!token) {
    return { failure: failure('2108', `The token endpoint answered without an access_token for resource '${resource}'.`, 'SystemError') };
  }
  context.secrets.add(token);
  return { header: `Bearer ${token}` };
}

/** A JSON object's properties plus the response headers; anything else under `Response`. */
function webOutput(response: WebResponse): Value {
  let parsed: unknown;
  try {
    parsed = response.text ? JSON.parse(response.text) : undefined;
  } catch {
    parsed = undefined;
  }
  const base = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, Value>) : { Response: response.text };
  return {
    ...base,
    ADFWebActivityResponseHeaders: response.headers,
    effectiveIntegrationRuntime: 'AutoResolveIntegrationRuntime (West Europe)',
    executionDuration: 0,
    durationInQueue: { integrationRuntimeQueue: 0 },
  };
}

/** Fields of an output that are credentials: a token's access_token, a Key Vault secret's value. */
function credentialFields(url: URL, output: Value): string[] {
  if (typeof output !== 'object' || output === null || Array.isArray(output)) {
    return [];
  }
  const record = output as Record<string, Value>;
  const fields: string[] = [];
  for (const name of ['access_token', 'refresh_token', 'id_token']) {
    if (typeof record[name] === 'string') {
      fields.push(name);
    }
  }
  if (/\/secrets\/[^/]+/i.test(url.pathname) && typeof record['value'] === 'string') {
    fields.push('value');
  }
  return fields;
}

/** `{ type: 'SecureString', value }` or a plain string (Web activity password forms). */
function secureValue(value: Value | undefined): string {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return toText((value as Record<string, Value>)['value'] ?? '');
  }
  return toText(value ?? '');
}

function redactAuthentication(value: Value): Value {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return value;
  }
  const { password: _password, pfx: _pfx, ...rest } = value as Record<string, Value>;
  return rest;
}

/** Every string under a value that holds an expression (`@…` or an `@{…}`). */
function templatesOf(value: unknown): string[] {
  if (typeof value === 'string') {
    return value.startsWith('@') || value.includes('@{') ? [value] : [];
  }
  if (Array.isArray(value)) {
    return value.flatMap(templatesOf);
  }
  if (typeof value === 'object' && value !== null) {
    return Object.values(value).flatMap(templatesOf);
  }
  return [];
}
