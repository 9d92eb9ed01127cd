// The token inspector, in plain Node: each claim check against what the next stage needs, on real
// RS256 tokens signed by the sandbox's issuer (and hand-made ones for shapes Entra does not mint).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  formatInspection,
  formatInspectionMarkdown,
  inspectToken,
  likelyCausesOf,
  mismatchesOf,
  summarizeInspection,
  type ClaimName,
  type InspectionContext,
  type TokenInspection,
} from '../../../src/core/diagnostics/tokenInspector';
import { formatExplainedError } from '../../../src/core/errors/explain';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import { TokenIssuer } from '../../../src/sandbox/jwt';
import { AUDIENCE_REFUSAL } from './errorFixtures';

const issuer = new TokenIssuer();
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const now = Math.floor(NOW / 1000);
const KV_TENANT = randomUUID();
const EH_TENANT = randomUUID();
const PIPELINE_CLIENT_ID = randomUUID();

function profile(overrides: Partial<ConnectionProfile> = {}): ConnectionProfile {
  return {
    id: 'p1',
    name: 'inspector test',
    cloud: 'public',
    keyVault: {
      vaultUrl: 'https://kv-contoso.vault.azure.net',
      auth: { kind: 'servicePrincipal', tenantId: KV_TENANT, clientId: randomUUID(), clientSecret: 'reader-secret-value' },
      clientIdSecret: { name: 'pipeline-client-id' },
      clientSecretSecret: { name: 'pipeline-client-secret' },
    },
    eventHubsToken: { tenantId: EH_TENANT, endpointVersion: 'v1' },
    endpoint: { namespace: 'es-1.servicebus.windows.net', eventHubName: 'es_1', auth: { kind: 'entra' }, protocol: 'rest' },
    ...overrides,
  };
}

/** A token as the Entra peer mints it, with `changes` applied (undefined deletes a claim). */
function token(tenant: string, changes: Record<string, unknown> = {}): string {
  const claims: Record<string, unknown> = {
    aud: 'https://vault.azure.net',
    iss: `https://sts.windows.net/${tenant}/`,
    iat: now - 60,
    nbf: now - 360,
    exp: now + 3540,
    appid: PIPELINE_CLIENT_ID,
    appidacr: '1',
    idtyp: 'app',
    oid: randomUUID(),
    sub: randomUUID(),
    tid: tenant,
    ver: '1.0',
    // Personal data a token may carry: never to be kept.
    name: 'Ada Lovelace',
    upn: 'ada@contoso.example',
    ipaddr: '203.0.113.9',
  };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) {
      delete claims[key];
    } else {
      claims[key] = value;
    }
  }
  return issuer.sign(claims as never);
}

const kv = (changes: Record<string, unknown> = {}, p = profile()): TokenInspection =>
  inspectToken(token(KV_TENANT, changes), { stage: 'keyVaultToken', profile: p, now: NOW });
const eh = (changes: Record<string, unknown> = {}, context: Partial<InspectionContext> = {}): TokenInspection =>
  inspectToken(token(EH_TENANT, { aud: 'https://eventhubs.azure.net', ...changes }), {
    stage: 'eventHubsToken',
    profile: profile(),
    now: NOW,
    expectedClientId: PIPELINE_CLIENT_ID,
    ...context,
  });

function check(inspection: TokenInspection, claim: ClaimName): { status: string; reason: string; fix: string } {
  const found = inspection.checks.find((c) => c.claim === claim);
  assert.ok(found, `no ${claim} check in ${JSON.stringify(inspection.checks)}`);
  return found;
}

interface Case {
  readonly name: string;
  readonly inspect: () => TokenInspection;
  readonly claim: ClaimName;
  readonly status: 'ok' | 'mismatch' | 'unknown';
  readonly reason?: RegExp;
}

const CASES: readonly Case[] = [
  { name: 'KV: the exact vault audience', inspect: () => kv(), claim: 'aud', status: 'ok' },
  { name: 'KV: a trailing slash (AKV10022)', inspect: () => kv({ aud: 'https://vault.azure.net/' }), claim: 'aud', status: 'mismatch', reason: /trailing slash.*|AKV10022/ },
  { name: "KV: the vault's own host", inspect: () => kv({ aud: 'https://kv-contoso.vault.azure.net/' }), claim: 'aud', status: 'mismatch', reason: /vault's own address/ },
  { name: 'KV: a management audience', inspect: () => kv({ aud: 'https://management.core.windows.net/' }), claim: 'aud', status: 'mismatch', reason: /Resource Manager/ },
  { name: 'KV: no audience', inspect: () => kv({ aud: undefined }), claim: 'aud', status: 'mismatch' },
  {
    name: "KV: another cloud's vault audience",
    inspect: () => kv({}, profile({ cloud: 'usgov' })),
    claim: 'aud',
    status: 'mismatch',
    reason: /Azure \(public\).*US Government/,
  },
  { name: 'KV: the profile tenant', inspect: () => kv(), claim: 'tid', status: 'ok' },
  { name: 'KV: a token from another tenant (AKV10032)', inspect: () => inspectToken(token(randomUUID()), { stage: 'keyVaultToken', profile: profile(), now: NOW }), claim: 'tid', status: 'mismatch', reason: /AKV10032/ },
  {
    name: 'KV: tenant given as a domain',
    inspect: () => kv({}, profile({ keyVault: { ...profile().keyVault, auth: { kind: 'servicePrincipal', tenantId: 'contoso.onmicrosoft.com', clientId: 'x', clientSecret: 'y' } } })),
    claim: 'tid',
    status: 'unknown',
    reason: /domain name/,
  },
  {
    name: 'KV: Azure CLI without a tenant',
    inspect: () => kv({}, profile({ keyVault: { ...profile().keyVault, auth: { kind: 'azureCli' } } })),
    claim: 'tid',
    status: 'unknown',
    reason: /names no tenant/,
  },
  { name: 'KV: tid absent, tenant read from iss', inspect: () => kv({ tid: undefined }), claim: 'tid', status: 'ok' },
  { name: 'KV: expired an hour ago', inspect: () => kv({ exp: now - 3600 }), claim: 'exp', status: 'mismatch', reason: /expired at 2026-11-24T11:00:00.000Z/ },
  { name: 'KV: expired within the clock skew', inspect: () => kv({ exp: now - 60 }), claim: 'exp', status: 'ok', reason: /within the clock skew/ },
  { name: 'KV: nbf 20 minutes in the future', inspect: () => kv({ nbf: now + 1200 }), claim: 'nbf', status: 'mismatch', reason: /clocks disagree/ },
  { name: 'KV: nbf within the clock skew', inspect: () => kv({ nbf: now + 120 }), claim: 'nbf', status: 'ok' },
  { name: 'EH: audience without a slash', inspect: () => eh(), claim: 'aud', status: 'ok' },
  { name: 'EH: audience with a trailing slash', inspect: () => eh({ aud: 'https://eventhubs.azure.net/' }), claim: 'aud', status: 'ok' },
  { name: 'EH: a management audience', inspect: () => eh({ aud: 'https://management.core.windows.net/' }), claim: 'aud', status: 'mismatch', reason: /InvalidAudience/ },
  { name: 'EH: a Key Vault audience', inspect: () => eh({ aud: 'https://vault.azure.net' }), claim: 'aud', status: 'mismatch' },
  { name: 'EH: a namespace (Kafka) audience', inspect: () => eh({ aud: 'https://es-1.servicebus.windows.net' }), claim: 'aud', status: 'unknown', reason: /Kafka/ },
  { name: 'EH: the Event Hubs tenant', inspect: () => eh(), claim: 'tid', status: 'ok' },
  { name: 'EH: the Key Vault tenant instead', inspect: () => inspectToken(token(KV_TENANT, { aud: 'https://eventhubs.azure.net' }), { stage: 'eventHubsToken', profile: profile(), now: NOW, expectedClientId: PIPELINE_CLIENT_ID }), claim: 'tid', status: 'mismatch' },
  { name: 'EH: appid matches the client id read from Key Vault', inspect: () => eh(), claim: 'appid', status: 'ok', reason: /^appid matches the client id read from Key Vault\.$/ },
  { name: 'EH: appid matches in another letter case', inspect: () => eh({ appid: PIPELINE_CLIENT_ID.toUpperCase() }), claim: 'appid', status: 'ok' },
  { name: 'EH: appid of another app', inspect: () => eh({ appid: randomUUID() }), claim: 'appid', status: 'mismatch', reason: /does not match the client id read from Key Vault/ },
  { name: 'EH: v2 token (azp instead of appid)', inspect: () => eh({ appid: undefined, azp: PIPELINE_CLIENT_ID, ver: '2.0' }), claim: 'appid', status: 'ok' },
  { name: 'EH: client id not known', inspect: () => eh({}, { expectedClientId: undefined }), claim: 'appid', status: 'unknown' },
  { name: 'EH: app-only token, no roles', inspect: () => eh(), claim: 'roles', status: 'ok', reason: /not in the token.*Data Sender.*workspace role/ },
  { name: 'EH: app-only token with app roles', inspect: () => eh({ roles: ['Sender'] }), claim: 'roles', status: 'ok', reason: /App roles in the token: Sender/ },
  { name: 'EH: a delegated (user) token', inspect: () => eh({ scp: 'user_impersonation', idtyp: 'user' }), claim: 'roles', status: 'mismatch', reason: /delegated/ },
  { name: 'EH: expired', inspect: () => eh({ exp: now - 7200 }), claim: 'exp', status: 'mismatch' },
  { name: 'EH: nbf in the future', inspect: () => eh({ nbf: now + 3600 }), claim: 'nbf', status: 'mismatch' },
];

describe('token inspector checks', () => {
  for (const c of CASES) {
    it(`${c.name} → ${c.claim} ${c.status}`, () => {
      const found = check(c.inspect(), c.claim);
      assert.equal(found.status, c.status, found.reason);
      if (c.reason) {
        assert.match(found.reason, c.reason);
      }
      assert.ok(found.reason.length > 10, 'a reason is given');
      if (c.status === 'mismatch') {
        assert.ok(found.fix.length > 10, 'a mismatch says how to fix it');
      }
    });
  }

  it('a good Key Vault token has no mismatch, and a good Event Hubs token neither', () => {
    assert.deepEqual(mismatchesOf(kv()), []);
    assert.deepEqual(mismatchesOf(eh()), []);
    assert.match(summarizeInspection(kv()), /^claims ok \(aud, tid, exp, nbf\)$/);
  });
});

describe('what the inspector keeps', () => {
  it('keeps only the named claims, never the token, its header, its signature or personal data', () => {
    const raw = token(KV_TENANT);
    const inspection = inspectToken(raw, { stage: 'keyVaultToken', profile: profile(), now: NOW });
    assert.equal(inspection.decoded, true);
    assert.equal(inspection.signatureVerified, false);
    assert.deepEqual(Object.keys(inspection.claims).sort(), ['appid', 'aud', 'exp', 'iat', 'idtyp', 'iss', 'nbf', 'oid', 'tid', 'ver']);
    const everything = JSON.stringify(inspection) + formatInspection(inspection);
    const [header = '', payload = '', signature = ''] = raw.split('.');
    for (const part of [raw, header, payload, signature]) {
      assert.ok(!everything.includes(part), 'a part of the token was kept');
    }
    assert.doesNotMatch(everything, /Ada Lovelace|ada@contoso|203\.0\.113\.9|"sub"|appidacr/);
    assert.match(formatInspection(inspection), /signature is not verified/);
  });

  it('never puts the client id read from Key Vault in a check', () => {
    for (const appid of [PIPELINE_CLIENT_ID, randomUUID()]) {
      const inspection = eh({ appid });
      assert.ok(!JSON.stringify(inspection.checks).includes(PIPELINE_CLIENT_ID));
      assert.ok(!JSON.stringify(inspection.checks).includes(appid));
    }
  });

  it('cuts over-long and wrongly typed claims instead of keeping them', () => {
    const inspection = kv({ iss: 'x'.repeat(5000), exp: 'tomorrow', roles: ['a', 42, 'b'] });
    assert.equal(inspection.claims.iss?.length, 256);
    assert.equal(inspection.claims.exp, undefined);
    assert.deepEqual(inspection.claims.roles, ['a', 'b']);
    assert.equal(check(inspection, 'exp').status, 'unknown');
  });

  for (const [name, opaque, pattern] of [
    ['an opaque token', 'EwBwA8l6BAAUO9chh8cJscQLmU+LSWpbnr0vmwwAAQ', /not a JWT/],
    ['an encrypted JWT (JWE)', 'eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d', /encrypted/],
    ['a JWT whose payload is not JSON', 'eyJ0eXAiOiJKV1QifQ.bm90IGpzb24.c2ln', /not JSON/],
  ] as const) {
    it(`reports ${name} as not decodable`, () => {
      const inspection = inspectToken(opaque, { stage: 'eventHubsToken', profile: profile(), now: NOW });
      assert.equal(inspection.decoded, false);
      assert.deepEqual(inspection.claims, {});
      assert.equal(inspection.checks.length, 1);
      assert.equal(inspection.checks[0]?.claim, 'format');
      assert.equal(inspection.checks[0]?.status, 'unknown');
      assert.match(inspection.checks[0]?.reason ?? '', pattern);
      assert.equal(summarizeInspection(inspection), 'token not decodable (opaque)');
      assert.ok(!formatInspection(inspection).includes(opaque));
    });
  }
});

describe('likely cause of a later failure', () => {
  it('a Key Vault AKV10022 refusal is explained by the aud mismatch, listed first', () => {
    const inspection = kv({ aud: 'https://vault.azure.net/', exp: now - 3600 });
    const causes = likelyCausesOf({ code: 'AKV10022', status: 401 }, inspection);
    assert.deepEqual(causes.map((c) => c.claim), ['aud', 'exp']);
  });

  it('an Event Hubs ExpiredToken refusal lists the exp mismatch first', () => {
    const inspection = eh({ aud: 'https://management.core.windows.net/', exp: now - 7200 });
    assert.deepEqual(likelyCausesOf({ code: 'ExpiredToken', status: 401 }, inspection).map((c) => c.claim), ['exp', 'aud']);
    assert.deepEqual(likelyCausesOf({ code: 'EventHubsUnauthorized', status: 401 }, inspection).map((c) => c.claim), ['aud', 'exp']);
  });

  it('failures that are not token refusals, or tokens that looked right, give no likely cause', () => {
    assert.deepEqual(likelyCausesOf({ code: 'SecretNotFound', status: 404 }, kv({ aud: 'https://vault.azure.net/' })), []);
    assert.deepEqual(likelyCausesOf({ code: 'AKV10022', status: 401 }, kv()), []);
    assert.deepEqual(likelyCausesOf({ code: 'AKV10022', status: 401 }, undefined), []);
  });

  it('formatExplainedError prints each likely cause with its fix', () => {
    const text = formatExplainedError(AUDIENCE_REFUSAL);
    assert.match(text, /^Likely cause \(Key Vault token, aud\): aud has a trailing slash\. Fix: Drop it\.$/m);
  });
});

describe('the Markdown report', () => {
  it('has a checks table and a claims table, escapes table breakers, and never holds the token', () => {
    const raw = token(EH_TENANT, { aud: 'https://management.core.windows.net/', scp: 'a|b <script>' });
    const inspection = inspectToken(raw, { stage: 'eventHubsToken', profile: profile(), now: NOW, expectedClientId: PIPELINE_CLIENT_ID });
    const markdown = formatInspectionMarkdown(inspection, 'Demo: Event Hubs token');
    assert.match(markdown, /^# Demo: Event Hubs token$/m);
    assert.match(markdown, /\*\*2 mismatches:\*\* Event Hubs will likely refuse this token\./);
    assert.match(markdown, /^\| ✘ \| `aud` \| mismatch \| aud is https:\/\/management\.core\.windows\.net\/ .*\| Request the token with resource=/m);
    assert.match(markdown, /^\| `scp` \| a\\\|b &lt;script> \|$/m);
    assert.match(markdown, /signature is not verified/);
    for (const part of [raw, ...raw.split('.')]) {
      assert.ok(!markdown.includes(part));
    }
  });

  it('an opaque token gets the checks table only', () => {
    const markdown = formatInspectionMarkdown(inspectToken('opaque-token-value', { stage: 'keyVaultToken', profile: profile(), now: NOW }), 'x');
    assert.match(markdown, /`format` \| unknown \| The token is not a JWT/);
    assert.doesNotMatch(markdown, /## Claims/);
    assert.ok(!markdown.includes('opaque-token-value'));
  });
});
