// The Event Hubs peer's token decisions, without sockets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authorize, parseSasToken, type AuthContext } from '../../../src/sandbox/eventHubsAuth';
import { createNamespace } from '../../../src/sandbox/eventHubsCommon';
import { TokenIssuer } from '../../../src/sandbox/jwt';
import { World } from '../../../src/sandbox/world';
import { sasToken } from './eventHubsFixture';

const world = new World();
const issuer = new TokenIssuer();
const ns = createNamespace();
ns.ports.add(5671);
ns.ports.add(5672);
const ctx: AuthContext = { world, tokens: issuer, ns };
const hubUri = `sb://localhost:5671/${world.eventHubName}`;
const key = (): string => world.sasRules.get(world.sasKeyName)?.key ?? '';

function reasonOf(result: ReturnType<typeof authorize>): string {
  return result.ok ? 'ok' : result.reason;
}

describe('Event Hubs peer: SAS verification', () => {
  it('parses the token without form-decoding, so + and / in the signature survive', () => {
    const fields = parseSasToken('SharedAccessSignature sr=sb%3A%2F%2Fh%2Fhub&sig=a%2Bb%2Fc%3D&se=1700000000&skn=key_1');
    assert.deepEqual(fields, { sr: 'sb://h/hub', sig: 'a+b/c=', se: '1700000000', skn: 'key_1' });
    assert.equal(parseSasToken('Bearer abc'), undefined);
  });

  it('a token for the hub covers its partitions and $management, on either port of the namespace', () => {
    const token = sasToken(hubUri, world.sasKeyName, key());
    for (const resource of [hubUri, `${hubUri}/Partitions/1`, `${hubUri}/$management`, `sb://localhost:5672/${world.eventHubName}`]) {
      const result = authorize(token, 'sas', resource, ctx);
      assert.equal(reasonOf(result), 'ok', resource);
      assert.equal(result.ok && result.identity, world.sasKeyName);
    }
  });

  it('compares the hub name case-insensitively', () => {
    const token = sasToken(`sb://localhost:5671/${world.eventHubName.toUpperCase()}`, world.sasKeyName, key());
    assert.equal(reasonOf(authorize(token, 'sas', hubUri, ctx)), 'ok');
  });

  it('an entity-level key needs an sr that names the hub: a namespace-wide sr is the wrong audience', () => {
    const token = sasToken('sb://localhost:5671/', world.sasKeyName, key());
    assert.equal(reasonOf(authorize(token, 'sas', hubUri, ctx)), 'InvalidAudience');
  });

  it('a rule without Send (or Manage) is refused with the Send-claim text', () => {
    world.sasRules.set('listen_only', { key: 'listen-key', rights: ['Listen'] });
    const result = authorize(sasToken(hubUri, 'listen_only', 'listen-key'), 'sas', hubUri, ctx);
    assert.equal(reasonOf(result), 'MissingSendClaim');
    assert.equal(result.ok ? 0 : result.status, 401);
  });

  it('a token that is not SAS-shaped is malformed', () => {
    assert.equal(reasonOf(authorize('SharedAccessSignature sr=x&sig=y', 'sas', hubUri, ctx)), 'MalformedToken');
    assert.equal(reasonOf(authorize('SharedAccessSignature sr=x&sig=y&se=soon&skn=k', 'sas', hubUri, ctx)), 'MalformedToken');
  });
});

describe('Event Hubs peer: JWT verification', () => {
  const now = Math.floor(Date.now() / 1000);
  const claims = (appid: string): Parameters<TokenIssuer['sign']>[0] => ({
    aud: 'https://eventhubs.azure.net/',
    iss: `https://sts.windows.net/${world.tenantId}/`,
    tid: world.tenantId,
    appid,
    oid: appid,
    sub: appid,
    iat: now,
    nbf: now,
    exp: now + 600,
    ver: '1.0',
  });

  it('reports the appid of a refused token so faults and logs can match it', () => {
    const result = authorize(issuer.sign(claims(world.readerClientId)), 'jwt', hubUri, ctx);
    assert.equal(reasonOf(result), 'MissingSendClaim');
    assert.equal(result.clientId, world.readerClientId);
  });

  it('a token signed by another issuer key is a bad signature; garbage is malformed', () => {
    const other = new TokenIssuer();
    assert.equal(reasonOf(authorize(other.sign(claims(world.pipelineClientId)), 'jwt', hubUri, ctx)), 'InvalidSignature');
    assert.equal(reasonOf(authorize('not-a-jwt', 'jwt', hubUri, ctx)), 'MalformedToken');
  });
});
