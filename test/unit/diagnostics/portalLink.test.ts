import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secretPortalLink, secretPortalLinkForProfile } from '../../../src/core/diagnostics/portalLink';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const VERSION = '4387e9f3d6e14c459867679a90fd0f79';

describe('secret portal link', () => {
  it('public cloud: the KeyVault Secret asset blade with the tenant and the versioned secret id', () => {
    const link = secretPortalLink({ cloud: 'public', vaultUrl: 'https://kv-demo.vault.azure.net/', name: 'pipeline-client-secret', version: VERSION, tenant: TENANT });
    assert.deepEqual(link, {
      ok: true,
      url: `https://portal.azure.com/#@${TENANT}/asset/Microsoft_Azure_KeyVault/Secret/https://kv-demo.vault.azure.net/secrets/pipeline-client-secret/${VERSION}`,
    });
  });

  it('sovereign clouds open their own portal; without a tenant the default directory is used', () => {
    const china = secretPortalLink({ cloud: 'china', vaultUrl: 'https://kv.vault.azure.cn', name: 's' });
    assert.deepEqual(china, { ok: true, url: 'https://portal.azure.cn/#asset/Microsoft_Azure_KeyVault/Secret/https://kv.vault.azure.cn/secrets/s' });
    const usgov = secretPortalLink({ cloud: 'usgov', vaultUrl: 'https://kv.vault.usgovcloudapi.net/', name: 's', tenant: 'contoso.onmicrosoft.us' });
    assert.deepEqual(usgov, { ok: true, url: 'https://portal.azure.us/#@contoso.onmicrosoft.us/asset/Microsoft_Azure_KeyVault/Secret/https://kv.vault.usgovcloudapi.net/secrets/s' });
  });

  it('the local sandbox vault has no portal page', () => {
    for (const vaultUrl of ['https://localhost:8443/', 'https://127.0.0.1:9000', 'https://[::1]:9000/']) {
      const link = secretPortalLink({ cloud: 'public', vaultUrl, name: 's' });
      assert.equal(link.ok, false, vaultUrl);
      assert.match(link.ok ? '' : link.reason, /no Azure portal page/);
    }
  });

  it('refuses a vault URL that is not https, and a tenant that could break the fragment', () => {
    assert.equal(secretPortalLink({ cloud: 'public', vaultUrl: 'http://kv.vault.azure.net', name: 's' }).ok, false);
    assert.equal(secretPortalLink({ cloud: 'public', vaultUrl: 'nonsense', name: 's' }).ok, false);
    const odd = secretPortalLink({ cloud: 'public', vaultUrl: 'https://kv.vault.azure.net', name: 's', tenant: 'a/b#c' });
    assert.equal(odd.ok && odd.url, 'https://portal.azure.com/#asset/Microsoft_Azure_KeyVault/Secret/https://kv.vault.azure.net/secrets/s');
  });

  it('for a profile: its cloud and the tenant its Key Vault token comes from', () => {
    const keyVault = {
      vaultUrl: 'https://kv-cn.vault.azure.cn/',
      auth: { kind: 'servicePrincipal' as const, tenantId: TENANT, clientId: 'c', clientSecret: 's' },
      clientIdSecret: { name: 'pipeline-client-id' },
      clientSecretSecret: { name: 'pipeline-client-secret', version: VERSION },
    };
    assert.deepEqual(secretPortalLinkForProfile({ cloud: 'china', keyVault }, { name: 'pipeline-client-secret', version: VERSION }), {
      ok: true,
      url: `https://portal.azure.cn/#@${TENANT}/asset/Microsoft_Azure_KeyVault/Secret/https://kv-cn.vault.azure.cn/secrets/pipeline-client-secret/${VERSION}`,
    });
    const signedIn = { ...keyVault, vaultUrl: 'https://kv.vault.usgovcloudapi.net', auth: { kind: 'signedInUser' as const } };
    assert.deepEqual(secretPortalLinkForProfile({ cloud: 'usgov', keyVault: signedIn }, { name: 'x' }), {
      ok: true,
      url: 'https://portal.azure.us/#asset/Microsoft_Azure_KeyVault/Secret/https://kv.vault.usgovcloudapi.net/secrets/x',
    });
  });
});
