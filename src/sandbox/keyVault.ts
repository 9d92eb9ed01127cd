/**
 * Key Vault secrets data-plane peer: the routes the pipeline and @azure/keyvault-secrets use,
 * the challenge handshake, token checks and errors as Key Vault answers them (wire facts §2).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { headerValue, newRequestId, readBody, sendJson } from './http';
import type { TokenVerifier, WorldSecretVersion } from './internal';
import { ACTIONS, route } from './keyVaultRoutes';
import { decodeCursor, encodeCursor } from './restPeer';
import { audienceMessage, clientAddress, forbiddenByFirewall, forbiddenByRbac } from './keyVaultWire';
import { dropped, type PeerControls, type PeerDeps, peerControls, startPeerServer } from './peer';
import { CLOUDS } from '../core/model/cloud';
import { cloudOfRequest } from './routes';
import type { FaultKind } from './types';
import type { World } from './world';

export interface KeyVaultPeerDeps extends PeerDeps {
  readonly tokens: TokenVerifier;
}

export interface KeyVaultPeer extends PeerControls {
  /** https://localhost:P/ */
  readonly vaultUrl: string;
}

/** api-versions the secrets data plane accepts (spec folders + what the SDKs send). */
export const KEY_VAULT_API_VERSIONS = ['2016-10-01', '7.0', '7.1', '7.2', '7.3', '7.4', '7.5', '7.6', '2025-07-01', '2026-04-01'] as const;
const SERVICE_VERSION = '1.9.2173.1';
const MAX_RESULTS = 25;
const SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;

const TRANSPORT_FAULTS: readonly FaultKind[] = ['connectionReset', 'timeout', 'throttled', 'serviceUnavailable'];
const DATA_FAULTS: readonly FaultKind[] = ['wrongAudience', 'tokenFromOtherTenant', 'blockedByFirewall', 'missingRole', 'secretNotFound', 'secretDisabled', 'secretIdStored'];
/** A tenant that is not the world's: the issuer of the token in a tokenFromOtherTenant fault. */
const OTHER_TENANT = '0d4f3c1e-5b6a-4e2f-9c8d-7a6b5c4d3e2f';

export async function startKeyVaultPeer(deps: KeyVaultPeerDeps): Promise<KeyVaultPeer> {
  const { world, faults, tokens } = deps;
  const now = deps.now ?? (() => Date.now());
  const base = (): string => `https://localhost:${server.port}`;
  const vaultLabel = (): string => `${world.vaultName};location=${world.region}`;
  const armId = (name?: string): string =>
    `/subscriptions/${world.subscriptionId}/resourcegroups/${world.resourceGroup}/providers/microsoft.keyvault/vaults/${world.vaultName}${name ? `/secrets/${name}` : ''}`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A vault reached by its real name through the sandbox proxy answers as that cloud's vaults do.
    const addressed = cloudOfRequest(req.headers.host);
    const cloud = CLOUDS[addressed.cloud];
    const vaultBase = addressed.azureHost ? `https://${addressed.azureHost}` : base();
    const challenge = `Bearer authorization="${cloud.authorityHost}/${world.tenantId}", resource="${cloud.keyVaultResource}"`;
    const requestId = newRequestId();
    const clientRequestId = headerValue(req, 'x-ms-client-request-id');
    const headers: Record<string, string> = {
      'x-ms-request-id': requestId,
      'x-ms-keyvault-service-version': SERVICE_VERSION,
      'x-ms-keyvault-region': world.region,
      'x-ms-keyvault-network-info': `conn_type=Ipv4;addr=${clientAddress(req)};act_addr_fam=InterNetwork;`,
      'x-content-type-options': 'nosniff',
      'strict-transport-security': 'max-age=31536000;includeSubDomains',
      ...(clientRequestId ? { 'x-ms-client-request-id': clientRequestId } : {}),
    };
    const reply = (status: number, body: unknown, extra: Record<string, string> = {}): void => sendJson(res, status, body, { ...headers, ...extra });
    const error = (status: number, code: string, message: string, inner?: string, extra: Record<string, string> = {}): void =>
      reply(status, { error: { code, message, ...(inner ? { innererror: { code: inner } } : {}) } }, extra);
    const unauthorized = (message: string): void => error(401, 'Unauthorized', message, undefined, { 'www-authenticate': challenge });

    // The SDK sends `?api%2Dversion=…`; URLSearchParams decodes it.
    // Not new URL(path, base): a path starting '//' (the docs' `//secrets`) would parse as a host.
    const url = new URL(`https://localhost${req.url ?? '/'}`);
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    const operation = route(method, url.pathname);
    const secretName = operation && operation.kind !== 'list' ? operation.name : undefined;

    const transport = faults.take('keyVault', secretName ? { secretName } : {}, TRANSPORT_FAULTS);
    if (dropped(req, transport?.kind)) {
      return;
    }
    switch (transport?.kind) {
      case 'throttled':
        error(429, 'Throttled', 'Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached', undefined, {
          'retry-after': String(transport.spec.retryAfterSeconds ?? 2),
        });
        return;
      case 'serviceUnavailable':
        // Sandbox's choice of text: Key Vault's 503 body is not documented.
        error(503, 'ServiceUnavailable', 'The service is temporarily unavailable. Please retry the request later.', undefined, { 'retry-after': '1' });
        return;
      default:
        break;
    }

    const apiVersion = url.searchParams.get('api-version');
    if (!apiVersion) {
      // Sandbox's choice of text for a missing/unknown api-version (400 BadParameter).
      error(400, 'BadParameter', 'The api-version query parameter is missing. Add ?api-version=7.0 (or a later version) to the request URI.');
      return;
    }
    if (!(KEY_VAULT_API_VERSIONS as readonly string[]).includes(apiVersion)) {
      error(400, 'BadParameter', `The specified version (${apiVersion}) is not recognized. Consider using the latest supported version (${KEY_VAULT_API_VERSIONS.at(-1)}).`);
      return;
    }

    const authorization = headerValue(req, 'authorization');
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!bearer) {
      unauthorized('AKV10000: Request is missing a Bearer or PoP token.');
      return;
    }
    const check = tokens.verify(bearer);
    if (!check.ok) {
      // Texts below are the sandbox's: AKV10046 is the verified text for a key Key Vault cannot
      // resolve; the expired text follows the verified "Token not yet valid (Activity ID: …)".
      switch (check.reason) {
        case 'malformed':
          unauthorized('AKV10000: Request is missing a Bearer or PoP token.');
          return;
        case 'badSignature':
          unauthorized('AKV10046: Unable to resolve the key used for signature validation.');
          return;
        case 'expired':
          unauthorized(`Token expired (Activity ID: ${requestId})`);
          return;
      }
    }
    const claims = check.claims;
    if (claims.aud !== cloud.keyVaultResource) {
      unauthorized(audienceMessage(cloud.keyVaultResource, claims.aud));
      return;
    }
    const sts = cloud.tokenIssuerV1;
    const expectedIssuer = `${sts}${world.tenantId}/`;
    const invalidIssuer = (found: string): void =>
      unauthorized(
        `AKV10032: Invalid issuer. Expected one of ${expectedIssuer}, ${sts}f8cdef31-a31e-4b4a-93e4-5f571e91255a/, ${sts}e2d54eb5-3869-4f70-8578-dee5fc7331f4/, found ${found}.`,
      );
    if (claims.iss !== expectedIssuer) {
      invalidIssuer(claims.iss);
      return;
    }

    if (!operation) {
      // Sandbox's choice: the vault's answer for routes it does not serve.
      error(method === 'GET' || method === 'PUT' ? 404 : 405, method === 'GET' || method === 'PUT' ? 'NotFound' : 'MethodNotAllowed', `The sandbox vault does not serve ${method} ${url.pathname}.`);
      return;
    }

    const fault = faults.take('keyVault', secretName ? { secretName } : {}, DATA_FAULTS);
    if (fault?.kind === 'wrongAudience') {
      unauthorized(audienceMessage(cloud.keyVaultResource, `${cloud.keyVaultResource}/`));
      return;
    }
    if (fault?.kind === 'tokenFromOtherTenant') {
      invalidIssuer(`${sts}${OTHER_TENANT}/`);
      return;
    }
    if (fault?.kind === 'blockedByFirewall') {
      // Verified shape (wire facts §2.3); the address is the one this request came from, as in x-ms-keyvault-network-info.
      error(403, 'Forbidden', forbiddenByFirewall(clientAddress(req), claims, vaultLabel()), 'ForbiddenByFirewall');
      return;
    }
    const permission = ACTIONS[operation.kind];
    const allowed = permission.roles.some((role) => world.hasRole(claims.appid, role));
    if (fault?.kind === 'missingRole' || !allowed) {
      error(403, 'Forbidden', forbiddenByRbac(claims, permission.action, armId(secretName), vaultLabel()), 'ForbiddenByRbac');
      return;
    }

    const found = secretName ? findSecret(world, secretName) : undefined;
    const notFound = (id: string): void =>
      error(
        404,
        'SecretNotFound',
        `A secret with (name/id) ${id} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
      );

    switch (operation.kind) {
      case 'get': {
        const versions = found?.versions ?? [];
        const entry = operation.version === undefined ? versions.at(-1) : versions.find((v) => v.version === operation.version?.toLowerCase());
        if (fault?.kind === 'secretNotFound' || !found || !entry) {
          notFound(operation.version === undefined ? operation.name : `${operation.name}/${operation.version}`);
          return;
        }
        if (fault?.kind === 'secretDisabled' || !entry.enabled) {
          error(403, 'Forbidden', 'Operation get is not allowed on a disabled secret.', 'SecretDisabled');
          return;
        }
        if (entry.expires !== undefined && entry.expires * 1000 < now()) {
          // Azure's behaviour for an expired secret is unverified (wire facts §10): answering
          // 403 Forbidden/SecretExpired is the sandbox's choice, so the flow can show the case.
          error(403, 'Forbidden', 'Operation get is not allowed on an expired secret.', 'SecretExpired');
          return;
        }
        // secretIdStored: what the vault holds when the portal's Secret ID (a GUID) was pasted instead of the value.
        reply(200, bundle(vaultBase, found.name, fault?.kind === 'secretIdStored' ? { ...entry, value: randomUUID() } : entry, apiVersion));
        return;
      }
      case 'set': {
        if (!SECRET_NAME.test(operation.name)) {
          error(400, 'BadParameter', `The request URI contains an invalid name: ${operation.name}`);
          return;
        }
        const parsed = parseSetBody(body);
        if (typeof parsed === 'string') {
          error(400, 'BadParameter', parsed);
          return;
        }
        const name = found?.name ?? operation.name;
        world.setSecretValue(name, parsed.value, parsed.options);
        const created = world.secrets.get(name)?.at(-1);
        if (!created) {
          throw new Error('setSecretValue stored nothing');
        }
        reply(200, bundle(vaultBase, name, created, apiVersion));
        return;
      }
      case 'list': {
        const items = [...world.secrets.entries()]
          .filter(([, versions]) => versions.length > 0)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, versions]) => item(`${vaultBase}/secrets/${name}`, versions.at(-1) as WorldSecretVersion, apiVersion));
        page(items, `${vaultBase}/secrets`);
        return;
      }
      case 'versions': {
        if (fault?.kind === 'secretNotFound') {
          notFound(operation.name);
          return;
        }
        // Unverified whether Key Vault answers 404 or an empty page for an unknown name: an empty page here.
        const items = (found?.versions ?? []).map((v) => item(`${vaultBase}/secrets/${found?.name ?? operation.name}/${v.version}`, v, apiVersion));
        page(items, `${vaultBase}/secrets/${found?.name ?? operation.name}/versions`);
        return;
      }
    }

    function page(items: unknown[], path: string): void {
      const maxParam = url.searchParams.get('maxresults');
      const max = maxParam === null ? MAX_RESULTS : Number(maxParam);
      if (!Number.isInteger(max) || max < 1 || max > MAX_RESULTS) {
        error(400, 'BadParameter', `Invalid value for maxresults: ${maxParam}. It must be an integer from 1 to ${MAX_RESULTS}.`);
        return;
      }
      const skip = url.searchParams.get('$skiptoken');
      const offset = skip === null ? 0 : decodeCursor(skip);
      if (offset === undefined) {
        error(400, 'BadParameter', 'The $skiptoken is not valid.');
        return;
      }
      const next = offset + max;
      const nextLink =
        next < items.length
          ? `${path}?api-version=${encodeURIComponent(apiVersion ?? '')}&$skiptoken=${encodeCursor(next)}${maxParam === null ? '' : `&maxresults=${max}`}`
          : null;
      reply(200, { value: items.slice(offset, next), nextLink });
    }
  }

  const server = await startPeerServer(deps, 'Key Vault', handle);
  return {
    ...peerControls(server),
    get vaultUrl() {
      return `${base()}/`;
    },
  };
}

/** Secret names are case-insensitive in Key Vault. */
function findSecret(world: World, name: string): { name: string; versions: WorldSecretVersion[] } | undefined {
  const lower = name.toLowerCase();
  for (const [stored, versions] of world.secrets) {
    if (stored.toLowerCase() === lower) {
      return { name: stored, versions };
    }
  }
  return undefined;
}

function attributes(entry: WorldSecretVersion, apiVersion: string): Record<string, unknown> {
  // recoverableDays arrived in 7.1.
  const hasRecoverableDays = apiVersion !== '7.0' && apiVersion !== '2016-10-01';
  return {
    enabled: entry.enabled,
    ...(entry.notBefore !== undefined ? { nbf: entry.notBefore } : {}),
    ...(entry.expires !== undefined ? { exp: entry.expires } : {}),
    created: entry.created,
    updated: entry.updated,
    ...(hasRecoverableDays ? { recoverableDays: 90 } : {}),
    recoveryLevel: 'Recoverable+Purgeable',
  };
}

function bundle(base: string, name: string, entry: WorldSecretVersion, apiVersion: string): Record<string, unknown> {
  return {
    value: entry.value,
    ...(entry.contentType !== undefined ? { contentType: entry.contentType } : {}),
    id: `${base}/secrets/${name}/${entry.version}`,
    attributes: attributes(entry, apiVersion),
    ...(entry.tags !== undefined ? { tags: { ...entry.tags } } : {}),
  };
}

function item(id: string, entry: WorldSecretVersion, apiVersion: string): Record<string, unknown> {
  return {
    id,
    attributes: attributes(entry, apiVersion),
    ...(entry.contentType !== undefined ? { contentType: entry.contentType } : {}),
    ...(entry.tags !== undefined ? { tags: { ...entry.tags } } : {}),
  };
}

function parseSetBody(
  body: Buffer,
): string | { value: string; options: { contentType?: string; tags?: Record<string, string>; enabled?: boolean; notBefore?: number; expires?: number } } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return 'The request body is not valid JSON.';
  }
  if (typeof parsed !== 'object' || parsed === null) {
    return 'The request body must be a JSON object.';
  }
  const { value, contentType, tags, attributes: attrs } = parsed as Record<string, unknown>;
  if (typeof value !== 'string') {
    return 'Secret value cannot be null.';
  }
  if (Buffer.byteLength(value) > 25 * 1024) {
    return 'Secret value is too long: the maximum is 25 KB.';
  }
  const a = typeof attrs === 'object' && attrs !== null ? (attrs as Record<string, unknown>) : {};
  const stringTags =
    typeof tags === 'object' && tags !== null ? Object.fromEntries(Object.entries(tags).filter((e): e is [string, string] => typeof e[1] === 'string')) : undefined;
  return {
    value,
    options: {
      ...(typeof contentType === 'string' ? { contentType } : {}),
      ...(stringTags ? { tags: stringTags } : {}),
      ...(typeof a['enabled'] === 'boolean' ? { enabled: a['enabled'] } : {}),
      ...(typeof a['nbf'] === 'number' ? { notBefore: a['nbf'] } : {}),
      ...(typeof a['exp'] === 'number' ? { expires: a['exp'] } : {}),
    },
  };
}
