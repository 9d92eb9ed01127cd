/**
 * The Event Hubs REST send API (wire facts §4) as the namespace's HTTPS face serves it:
 * `POST /{hub}/messages`, `/{hub}/partitions/{id}/messages`, `/{hub}/publishers/{pub}/messages`.
 * Success is 201 with an empty body; errors are the gateway's XML `<Error><Code/><Detail/></Error>`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authFailure, authorize, INVALID_AUDIENCE_TEXT, type AuthContext, type AuthResult } from './eventHubsAuth';
import {
  MAX_MESSAGE_SIZE,
  SERVICE_UNAVAILABLE_TEXT,
  invalidPartitionText,
  messageTooLargeText,
  sendClaimText,
  serverBusyText,
  trackingSuffix,
  routedNamespaceHost,
  type PartitionChooser,
} from './eventHubsCommon';
import { admitSend, type PartitionThrottle } from './eventHubsThrottle';
import type { ActiveFault, EventRecorder, FaultRegistry } from './internal';
import type { FaultKind, ReceivedEvent } from './types';

export interface RestContext extends AuthContext {
  readonly faults: FaultRegistry;
  readonly recorder: EventRecorder;
  readonly chooser: PartitionChooser;
  /** TLS port of the namespace: the resource URI a REST token is checked against. */
  readonly port: () => number;
  /** Requests held open by the `timeout` fault; the peer destroys them on stop. */
  readonly held: Set<ServerResponse>;
  /** The per-partition ingress limit (off unless set). */
  readonly throttle: PartitionThrottle;
}

interface Route {
  readonly hub: string;
  readonly partitionId?: string;
  readonly publisher?: string;
  readonly segments: readonly string[];
}

/** Headers that are transport or protocol, not user properties of the event. */
const STANDARD_HEADERS = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'authorization',
  'brokerproperties',
  'cache-control',
  'connection',
  'content-encoding',
  'content-length',
  'content-type',
  'expect',
  'host',
  'keep-alive',
  'pragma',
  'te',
  'transfer-encoding',
  'user-agent',
]);

const TRANSPORT_FAULTS: readonly FaultKind[] = ['connectionReset', 'timeout', 'throttled', 'serviceUnavailable'];
const AUTH_FAULTS: readonly FaultKind[] = ['wrongAudience', 'missingRole'];
const DATA_FAULTS: readonly FaultKind[] = ['oversizedEvent'];

const BATCH_CONTENT_TYPE = 'application/vnd.microsoft.servicebus.json';

/** Reading stops keeping bytes past the limit but keeps counting, so a 413 can name the size. */
const READ_CAP = MAX_MESSAGE_SIZE + 1;

export function createRestHandler(ctx: RestContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(ctx, req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        sendError(res, 500, `InternalServerError: ${error instanceof Error ? error.message : String(error)}`);
      } else {
        res.destroy();
      }
    });
  };
}

function parseRoute(url: string | undefined): Route | undefined {
  const path = new URL(url ?? '/', 'https://localhost').pathname;
  let segments: string[];
  try {
    segments = path
      .split('/')
      .filter((s) => s.length > 0)
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
  const [hub, second, third, fourth] = segments;
  if (!hub) {
    return undefined;
  }
  if (segments.length === 2 && second?.toLowerCase() === 'messages') {
    return { hub, segments };
  }
  if (segments.length === 4 && third && fourth?.toLowerCase() === 'messages') {
    if (second?.toLowerCase() === 'partitions') {
      return { hub, partitionId: third, segments };
    }
    if (second?.toLowerCase() === 'publishers') {
      return { hub, publisher: third, segments };
    }
  }
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<{ body: Buffer; size: number }> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (kept < READ_CAP) {
      const part = chunk.subarray(0, READ_CAP - kept);
      chunks.push(part);
      kept += part.length;
    }
  }
  return { body: Buffer.concat(chunks), size };
}

/** Text-node escaping as .NET's XmlWriter does it: quotes stay as they are (the Send-claim text has them). */
function escapeXml(text: string): string {
  return text.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] ?? c);
}

function sendError(res: ServerResponse, status: number, detail: string, entity?: string, headers: Record<string, string> = {}): void {
  const body = `<Error><Code>${status}</Code><Detail>${escapeXml(detail + trackingSuffix(entity))}</Detail></Error>`;
  res.writeHead(status, { 'Content-Type': 'application/xml; charset=utf-8', Server: 'Microsoft-HTTPAPI/2.0', ...headers });
  res.end(body);
}

function tokenOf(req: IncomingMessage): { token: string; type: 'jwt' | 'sas' } | 'missing' | 'malformed' {
  const header = req.headers.authorization?.trim();
  if (!header) {
    return 'missing';
  }
  if (/^Bearer\s+\S+/i.test(header)) {
    return { token: header.replace(/^Bearer\s+/i, ''), type: 'jwt' };
  }
  if (/^SharedAccessSignature\s/.test(header)) {
    return { token: header, type: 'sas' };
  }
  return 'malformed';
}

/** Answers a request the way the fault says; returns false when the fault does not apply here. */
function applyFault(ctx: RestContext, fault: ActiveFault, req: IncomingMessage, res: ServerResponse, route: Route, size: number): boolean {
  switch (fault.kind) {
    case 'throttled': {
      const seconds = fault.spec.retryAfterSeconds ?? 2;
      sendError(res, 429, serverBusyText(seconds), route.hub, { 'Retry-After': String(seconds) });
      return true;
    }
    case 'serviceUnavailable':
      sendError(res, 503, SERVICE_UNAVAILABLE_TEXT, route.hub);
      return true;
    case 'oversizedEvent':
      sendError(res, 413, messageTooLargeText(size), route.hub);
      return true;
    case 'wrongAudience':
      sendError(res, 401, INVALID_AUDIENCE_TEXT, route.hub);
      return true;
    case 'missingRole':
      sendError(res, 401, sendClaimText(ctx.ns, route.hub), route.hub);
      return true;
    case 'connectionReset':
      req.socket.destroy();
      return true;
    case 'timeout':
      ctx.held.add(res);
      res.on('close', () => ctx.held.delete(res));
      return true;
    default:
      return false;
  }
}

async function handle(ctx: RestContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const route = parseRoute(req.url);
  if (!route) {
    req.resume();
    sendError(res, 404, 'No service is hosted at the specified address.');
    return;
  }
  if (req.method !== 'POST') {
    req.resume();
    sendError(res, 405, `The requested HTTP operation is not supported in an EventHub. Method: ${req.method ?? '?'}.`, route.hub, { Allow: 'POST' });
    return;
  }
  const { body, size } = await readBody(req);

  const presented = tokenOf(req);
  // The namespace as addressed: a real name (Host header) when the request came through the sandbox proxy.
  const authority = routedNamespaceHost(req.headers.host) ?? `localhost:${ctx.port()}`;
  const resource = `https://${authority}/${route.segments.map(encodeURIComponent).join('/')}`;
  const auth: AuthResult =
    presented === 'missing'
      ? authFailure('MalformedToken', 'MissingToken: The authorization header was not found.')
      : presented === 'malformed'
        ? authFailure('MalformedToken', 'MalformedToken: The credentials contained in the authorization header are not in the WRAP format.')
        : authorize(presented.token, presented.type, resource, ctx);

  // Transport faults come first, then the token (or a fault that answers as if the token were
  // wrong), then the payload: a 401 request never reaches the size check.
  const probe = { protocol: 'rest' as const, ...(auth.clientId ? { clientId: auth.clientId } : {}) };
  for (const kinds of [TRANSPORT_FAULTS, AUTH_FAULTS]) {
    const fault = ctx.faults.take('eventHubs', probe, kinds);
    if (fault && applyFault(ctx, fault, req, res, route, size)) {
      return;
    }
  }
  if (!auth.ok) {
    sendError(res, auth.status, auth.text, route.hub);
    return;
  }
  const dataFault = ctx.faults.take('eventHubs', probe, DATA_FAULTS);
  if (dataFault && applyFault(ctx, dataFault, req, res, route, size)) {
    return;
  }
  // 413 is the sandbox's own choice: the docs list only 201/401/500 and a 1 MB limit that
  // "applies regardless of whether it is a single event or a batch" (wire facts §4.4–4.5).
  if (size > MAX_MESSAGE_SIZE) {
    sendError(res, 413, messageTooLargeText(size), route.hub);
    return;
  }
  if (route.partitionId !== undefined && !ctx.world.partitionIds.includes(route.partitionId)) {
    sendError(res, 400, invalidPartitionText(ctx.world), route.hub);
    return;
  }

  let brokerKey: string | undefined;
  let brokerIds: { messageId?: string; correlationId?: string } = {};
  const brokerHeader = req.headers['brokerproperties'];
  if (typeof brokerHeader === 'string' && brokerHeader.trim()) {
    const parsed = parseJson(brokerHeader);
    if (!isRecord(parsed)) {
      sendError(res, 400, 'BadRequest: The value of the BrokerProperties header is not valid JSON.', route.hub);
      return;
    }
    brokerKey = typeof parsed['PartitionKey'] === 'string' ? parsed['PartitionKey'] : undefined;
    // The service maps these to the AMQP message-id and correlation-id consumers see.
    const messageId = parsed['MessageId'];
    const correlationId = parsed['CorrelationId'];
    brokerIds = {
      ...(typeof messageId === 'string' ? { messageId } : {}),
      ...(typeof correlationId === 'string' ? { correlationId } : {}),
    };
  }
  const contentType = req.headers['content-type'];
  const isBatch = contentType?.toLowerCase().startsWith(BATCH_CONTENT_TYPE) ?? false;
  const hub = ctx.world.eventHubName;
  const common = { eventHubName: hub, protocol: 'rest' as const, sender: auth.identity };
  // The service uses the publisher name as the partition key of publisher sends.
  const routeKey = brokerKey ?? route.publisher;
  const batchPartition = route.partitionId ?? (routeKey !== undefined ? ctx.chooser.forKey(routeKey) : ctx.chooser.roundRobin());

  let events: Omit<ReceivedEvent, 'sequenceNumber' | 'receivedAt'>[];
  if (!isBatch) {
    events = [
      {
        ...common,
        partitionId: batchPartition,
        ...(routeKey !== undefined ? { partitionKey: routeKey } : {}),
        body,
        ...(contentType ? { contentType } : {}),
        properties: customProperties(req),
        ...brokerIds,
      },
    ];
  } else {
    const items = parseBatch(body);
    if (typeof items === 'string') {
      sendError(res, 400, `BadRequest: ${items}`, route.hub);
      return;
    }
    events = items.map((item) => {
      const key = item.partitionKey ?? routeKey;
      return {
        ...common,
        partitionId: route.partitionId ?? (item.partitionKey !== undefined ? ctx.chooser.forKey(item.partitionKey) : batchPartition),
        ...(key !== undefined ? { partitionKey: key } : {}),
        body: item.body,
        properties: item.properties,
      };
    });
  }
  // Over the partition limit the whole request is refused and nothing of it is kept. Event Hubs
  // documents no throttling status for its REST send (only 201, 401 and 500: wire facts §4.4); the
  // same gateway answers throttling with 429 on its management face ("SubCode=50004 … is being
  // throttled", MicrosoftDocs/azure-docs service-bus-resource-manager-exceptions.md), so the
  // sandbox's choice is 429 with Retry-After and the ServerBusy text (error 50002), as its
  // `throttled` fault answers.
  const admission = admitSend(ctx.throttle, ctx.recorder, { protocol: 'rest', eventHubName: hub }, events);
  if (!admission.ok) {
    sendError(res, 429, serverBusyText(admission.retryAfterSeconds), route.hub, { 'Retry-After': String(admission.retryAfterSeconds) });
    return;
  }
  for (const event of events) {
    ctx.recorder.record(event);
  }
  res.writeHead(201, { 'Content-Length': '0', Server: 'Microsoft-HTTPAPI/2.0' });
  res.end();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Non-standard headers are the event's user properties; Service Bus REST quotes string values, so quotes are dropped. */
function customProperties(req: IncomingMessage): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    const value = req.rawHeaders[i + 1]!;
    const lower = name.toLowerCase();
    if (STANDARD_HEADERS.has(lower) || lower.startsWith('x-ms-') || lower.startsWith('sec-')) {
      continue;
    }
    properties[name] = /^".*"$/.test(value) ? value.slice(1, -1) : value;
  }
  return properties;
}

interface BatchItem {
  readonly body: Buffer;
  readonly properties: Record<string, unknown>;
  readonly partitionKey?: string;
}

/** `[{"Body":"…","UserProperties":{…},"BrokerProperties":{…},"IsBodyBase64":false}]`; returns an error text when malformed. */
function parseBatch(body: Buffer): BatchItem[] | string {
  const parsed = parseJson(body.toString('utf8'));
  if (!Array.isArray(parsed) || parsed.length === 0) {
    return 'The batch body must be a non-empty JSON array of {"Body", "UserProperties", "BrokerProperties"} objects.';
  }
  const items: BatchItem[] = [];
  for (const [index, entry] of parsed.entries()) {
    if (!isRecord(entry) || !('Body' in entry)) {
      return `Batch item ${index} is not an object with a "Body".`;
    }
    const raw = entry['Body'];
    const base64 = entry['IsBodyBase64'] === true;
    const bodyBytes = typeof raw === 'string' ? Buffer.from(raw, base64 ? 'base64' : 'utf8') : Buffer.from(JSON.stringify(raw), 'utf8');
    const user = entry['UserProperties'];
    const broker = entry['BrokerProperties'];
    if ((user !== undefined && !isRecord(user)) || (broker !== undefined && !isRecord(broker))) {
      return `Batch item ${index} has UserProperties or BrokerProperties that are not JSON objects.`;
    }
    const key = isRecord(broker) && typeof broker['PartitionKey'] === 'string' ? broker['PartitionKey'] : undefined;
    items.push({ body: bodyBytes, properties: isRecord(user) ? { ...user } : {}, ...(key !== undefined ? { partitionKey: key } : {}) });
  }
  return items;
}
