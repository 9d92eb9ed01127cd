import type { AmqpAttempt } from '../../azure/amqpConnection';
import { describeEndpoint } from '../../azure/proxy';
import type { StageContext } from '../types';

/**
 * What a stage reports about the network: the endpoint it called (scheme, host, port, and the proxy
 * when one was used), in its summary on success and as `endpointsTried` on the error it throws.
 */

/** "https://login.microsoftonline.com:443 via proxy http://proxy:3128" for a URL this stage calls. */
export function endpointFor(ctx: StageContext, url: string): string {
  return describeEndpoint(url, ctx.services.proxy);
}

function outcomeOf(error: unknown): string {
  const e = (error ?? {}) as { code?: unknown; status?: unknown; statusCode?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status !== undefined) {
    return `answered HTTP ${status}`;
  }
  return typeof e.code === 'string' && e.code ? `failed (${e.code})` : 'failed';
}

/** Runs `work`; a failure leaves with `endpointsTried` naming `endpoint` (unless the client already listed its attempts). */
export async function tryingEndpoint<T>(endpoint: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error && typeof error === 'object' && Object.isExtensible(error) && !Array.isArray((error as { endpointsTried?: unknown }).endpointsTried)) {
      Object.assign(error, { endpointsTried: [`${endpoint} ${outcomeOf(error)}`] });
    }
    throw error;
  }
}

/** "amqps://ns:5671 failed (ECONNRESET); wss://ns:443/$servicebus/websocket ok — 5671 blocked? fell back to WebSockets on 443". */
export function describeAttempts(attempts: readonly AmqpAttempt[]): string {
  const parts = attempts.map((a) => `${a.endpoint} ${a.ok ? 'ok' : `failed${a.code ? ` (${a.code})` : ''}`}`);
  const first = attempts[0];
  const last = attempts.at(-1);
  const fellBack = attempts.length > 1 && first?.transport === 'tcp' && !first.ok && last?.transport === 'websockets' && last.ok;
  // The ports as tried: 5671 and 443 on Azure, the sandbox's one port locally.
  const portOf = (endpoint: string | undefined, fallback: number): string => /:(\d+)(?:\/|$|\s)/.exec(endpoint ?? '')?.[1] ?? String(fallback);
  const note = fellBack ? ` — ${portOf(first.endpoint, 5671)} blocked? fell back to WebSockets on ${portOf(last.endpoint, 443)}` : '';
  return `${parts.join('; ')}${note}`;
}

/**
 * The AMQP transport a profile asks for: absent means TCP with a fallback to WebSockets when 5671
 * is blocked; `tcp` or `websockets` pins it (no fallback).
 */
export function amqpTransportOptions(ctx: StageContext): { transport: 'tcp' | 'websockets'; fallbackToWebSockets: boolean } {
  const pinned = ctx.profile.endpoint.amqpTransport;
  return { transport: pinned ?? 'tcp', fallbackToWebSockets: pinned === undefined };
}
