// Sovereign clouds end to end: a profile for Azure China or Azure US Government reaches that cloud's
// own authority, vault and Event Hubs host names (routed to the sandbox peers by its HTTP proxy,
// whose certificate names them) and asks for that cloud's audiences; the peers answer as that
// cloud does (issuer, Key Vault audience and challenge), so a token for the wrong cloud fails.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requestClientCredentialsToken } from '../../../src/core/azure/entraToken';
import { readSecretRaw } from '../../../src/core/azure/keyVaultRaw';
import { explainError } from '../../../src/core/errors/explain';
import { runFlow } from '../../../src/core/flow/engine';
import type { FlowEvent, FlowServices, SendRequest } from '../../../src/core/flow/types';
import { CLOUDS, type CloudName } from '../../../src/core/model/cloud';
import type { ConnectionProfile, TokenRequestStyle } from '../../../src/core/model/profile';
import { validateProfile } from '../../../src/core/model/validate';
import type { Sandbox } from '../../../src/sandbox/types';
import { cloudHosts, realHostProfile } from '../../shared/realHostProfile';
import { testServices, useSandbox } from './flowFixture';
import { destinationOf } from '../../shared/destination';

let sandbox: Sandbox;
let lines: string[];

const services = (): FlowServices => testServices(lines, { stageTimeoutMs: 20_000, proxy: { url: sandbox.urls.proxy } });

const hostsOf = (cloud: CloudName) => cloudHosts(cloud, 'esf-sovereign', 'eventstream-sov12345');

/** The demo world addressed by the cloud's real names: no authority override, no extra CA in the profile. */
function cloudProfile(cloud: CloudName, protocol: 'rest' | 'amqp', tokenRequest: TokenRequestStyle, endpointVersion: 'v1' | 'v2' = 'v1'): ConnectionProfile {
  return realHostProfile(sandbox.world, { name: `Sovereign ${cloud}`, cloud, hosts: hostsOf(cloud), protocol, tokenRequest, endpointVersion });
}

const send: SendRequest = { events: [{ body: '{"cloud":"sovereign"}', contentType: 'application/json' }] };

useSandbox(
  (started) => (sandbox = started),
  () => {
    lines = [];
    sandbox.received.clear();
    sandbox.proxy.clearTunnels();
  },
);

for (const cloud of ['china', 'usgov'] as const) {
  describe(`${CLOUDS[cloud].displayName} end to end`, () => {
    const hosts = hostsOf(cloud);

    for (const [protocol, tokenRequest, endpointVersion] of [
      ['rest', 'pipeline', 'v1'],
      ['amqp', 'sdk', 'v2'],
    ] as const) {
      it(`runs all five stages over ${protocol} (Key Vault token through ${tokenRequest === 'sdk' ? '@azure/identity' : 'the raw v1 POST'}) on the cloud's own hosts and audiences`, async () => {
        const events: FlowEvent[] = [];
        const result = await runFlow(cloudProfile(cloud, protocol, tokenRequest, endpointVersion), services(), { send, onEvent: (e) => events.push(e) });
        assert.equal(result.ok, true, JSON.stringify(result.outcomes, null, 1));
        const tunnelled = new Set(sandbox.proxy.tunnels().filter((t) => t.status === 200).map((t) => `${t.host} → ${t.routedTo}`));
        // MSAL sends China's token requests to the instance's preferred host, login.partner.microsoftonline.cn
        // (its instance metadata); the raw v1 POST goes to the authority host the profile names.
        const msalHost = cloud === 'china' && tokenRequest === 'sdk' ? ['login.partner.microsoftonline.cn → entra'] : [];
        assert.deepEqual([...tunnelled].sort(), [`${hosts.authority} → entra`, `${hosts.namespace} → eventHubs`, `${hosts.vault} → keyVault`, ...msalHost].sort());
        const summaries = Object.fromEntries(events.flatMap((e) => (e.type === 'stageSucceeded' ? [[e.stage, e.summary]] : [])));
        assert.match(summaries.keyVaultToken ?? '', new RegExp(CLOUDS[cloud].keyVaultResource.replace(/\./g, '\\.')));
        const [received] = await sandbox.received.waitFor(1);
        assert.equal(received?.body.toString(), '{"cloud":"sovereign"}');
        assert.equal(received?.protocol, protocol);
      });
    }

    it("the tokens carry the cloud's audiences and issuer", async () => {
      const inspections: Record<string, unknown> = {};
      const result = await runFlow(cloudProfile(cloud, 'rest', 'pipeline'), services(), {
        target: 'eventHubsToken',
        onEvent: (e) => {
          if (e.type === 'stageSucceeded' && 'inspection' in e) {
            inspections[e.stage] = (e as { inspection?: unknown }).inspection;
          }
        },
      });
      assert.equal(result.ok, true, JSON.stringify(result.outcomes, null, 1));
      const text = JSON.stringify(inspections);
      assert.match(text, new RegExp(`"aud":"${CLOUDS[cloud].keyVaultResource}"`), text);
      const sts = cloud === 'china' ? 'https://sts.chinacloudapi.cn/' : 'https://sts.windows.net/';
      assert.ok(text.includes(`"iss":"${sts}${sandbox.world.tenantId}/"`), text);
    });

    it("a vault of this cloud refuses a token for the public cloud's vault audience (AKV10022), and validation says to switch the cloud", async () => {
      const profile = cloudProfile(cloud, 'rest', 'pipeline');
      // The same vault and namespace, but the profile says public: the token is asked for https://vault.azure.net.
      const wrong: ConnectionProfile = { ...profile, cloud: 'public' };
      const problems = validateProfile(wrong).map((p) => `${p.field}: ${p.problem} ${p.fix}`);
      assert.ok(problems.some((p) => p.startsWith('keyVault.vaultUrl') && p.includes(`Set the profile's cloud to ${CLOUDS[cloud].displayName}`)), problems.join('\n'));
      // The engine validates hosts before any request: the mixed profile is refused, nothing is sent.
      await assert.rejects(runFlow(wrong, services(), { target: 'readClientId' }), { field: 'keyVault.vaultUrl', isValidationError: true });
      assert.equal(sandbox.proxy.tunnels().length, 0);
      // Sent anyway (a hand-made request), the vault refuses the public audience as Key Vault does.
      const demo = sandbox.world;
      const publicToken = await requestClientCredentialsToken({
        authorityHost: CLOUDS.public.authorityHost,
        destination: destinationOf(CLOUDS.public.authorityHost),
        tenantId: demo.tenantId,
        clientId: demo.reader.clientId,
        clientSecret: demo.reader.clientSecret,
        audience: CLOUDS.public.keyVaultResource,
        endpointVersion: 'v1',
        signal: new AbortController().signal,
        proxy: { url: sandbox.urls.proxy },
      });
      const vaultUrl = `https://${hosts.vault}`;
      const refused = await readSecretRaw({ vaultUrl, destination: destinationOf(vaultUrl), name: demo.secrets.clientIdName, token: publicToken.token, signal: new AbortController().signal, proxy: { url: sandbox.urls.proxy } }).then(
        () => assert.fail('the vault accepted a token for another cloud'),
        (error: unknown) => explainError(error, { stage: 'readClientId' }),
      );
      assert.equal(refused.code, 'AKV10022');
      assert.match(refused.message, new RegExp(`Expected ${CLOUDS[cloud].keyVaultResource.replace(/\./g, '\\.')}, found: https://vault\\.azure\\.net`));
      assert.match(refused.explanation.fix, /sovereign|cloud/i);
    });

    it('Entra of this cloud does not know the public vault resource (AADSTS500011)', async () => {
      const demo = sandbox.world;
      await assert.rejects(
        requestClientCredentialsToken({
          authorityHost: CLOUDS[cloud].authorityHost, destination: destinationOf(CLOUDS[cloud].authorityHost),
          tenantId: demo.tenantId,
          clientId: demo.reader.clientId,
          clientSecret: demo.reader.clientSecret,
          audience: 'https://vault.azure.net',
          endpointVersion: 'v1',
          signal: new AbortController().signal,
          proxy: { url: sandbox.urls.proxy },
        }),
        (e: unknown) => {
          assert.equal(explainError(e).code, 'AADSTS500011');
          return true;
        },
      );
    });
  });
}
