// The three exports as text: the pipeline JSON against the Data Factory schema (transcribed from
// azure-rest-api-specs, see test/fixtures/schemas/README.md), its activities and expressions, the
// .http and curl files, the profile's cloud, and that no secret of the profile ever appears.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { EXPORT_FORMATS, exportFlow, parseExportFormat, secretValuesOf } from '../../../src/core/export/index';
import { ACTIVITY, buildPipeline, jsonEscaped, READER_SECRET_PARAMETER, type PipelineResource } from '../../../src/core/export/pipeline';
import { EXPORT_ENV } from '../../../src/core/export/restClient';
import { SECRET_ENV } from '../../../src/cli/profileSource';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import { FABRIC_CS, READER_SECRET, SAS_KEY, sampleProfile, TENANT } from '../extension/profilesFixtures';

const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'schemas', 'datafactory-pipeline.schema.json'), 'utf8')) as object;
const validatePipeline = new Ajv({ allErrors: true, strict: false }).compile(schema);

const BODY = '{"site": "@{pipeline().parameters.site}", "run": "@{pipeline().RunId}", "id": "@{guid()}", "at": "@{utcNow()}", "n": @{eventIndex()}}';

function schemaErrors(value: unknown): string {
  return validatePipeline(value) ? '' : JSON.stringify(validatePipeline.errors, null, 1);
}

function pipelineOf(profile: ConnectionProfile, options = {}): PipelineResource {
  return JSON.parse(exportFlow(profile, 'pipeline', options).text) as PipelineResource;
}

describe('pipeline export', () => {
  it('is a pipeline resource the Data Factory schema accepts, and round-trips through JSON unchanged', () => {
    for (const keyVaultAuth of ['msi', 'servicePrincipal'] as const) {
      const { text, fileName, languageId } = exportFlow(sampleProfile(), 'pipeline', { bodyTemplate: BODY, parameters: { site: 'Oslo' }, keyVaultAuth });
      const parsed: unknown = JSON.parse(text);
      assert.equal(schemaErrors(parsed), '', `${keyVaultAuth}: schema errors`);
      assert.equal(`${JSON.stringify(parsed, null, 2)}\n`, text, 'parse → stringify is stable');
      assert.equal(fileName, 'Orders-pipeline.pipeline.json');
      assert.equal(languageId, 'json');
    }
  });

  it('the schema check can fail: it refuses what Data Factory refuses', () => {
    const good = pipelineOf(sampleProfile());
    const mutate = (change: (p: { properties: { activities: Record<string, unknown>[]; parameters: Record<string, unknown> } }) => void): unknown => {
      const copy = structuredClone(good) as unknown as { properties: { activities: Record<string, unknown>[]; parameters: Record<string, unknown> } };
      change(copy);
      return copy;
    };
    const broken: [string, unknown][] = [
      ['a PATCH method', mutate((p) => ((p.properties.activities[0]!.typeProperties as Record<string, unknown>).method = 'PATCH'))],
      ['no url', mutate((p) => delete (p.properties.activities[0]!.typeProperties as Record<string, unknown>).url)],
      ['no typeProperties', mutate((p) => delete p.properties.activities[0]!.typeProperties)],
      ['a retry interval under 30 s', mutate((p) => ((p.properties.activities[0]!.policy as Record<string, unknown>).retryIntervalInSeconds = 10))],
      ['secureOutput as a string', mutate((p) => ((p.properties.activities[0]!.policy as Record<string, unknown>).secureOutput = 'true'))],
      ['a dependency without conditions', mutate((p) => ((p.properties.activities[2]!.dependsOn as unknown[])[0] = { activity: ACTIVITY.clientId }))],
      ['an unknown dependency condition', mutate((p) => ((p.properties.activities[2]!.dependsOn as unknown[])[0] = { activity: ACTIVITY.clientId, dependencyConditions: ['Done'] }))],
      ['a parameter of an unknown type', mutate((p) => (p.properties.parameters.x = { type: 'Secret' }))],
      ['an activity without a name', mutate((p) => delete p.properties.activities[0]!.name)],
      ['no properties', { name: 'x' }],
      ['a pipeline name with a dot', { ...good, name: 'a.b' }],
    ];
    for (const [what, value] of broken) {
      assert.notEqual(schemaErrors(value), '', `the schema accepted ${what}`);
    }
  });

  it('has the four Web activities of the seed flow, secure input and output on, chained on Succeeded', () => {
    const pipeline = pipelineOf(sampleProfile(), { bodyTemplate: BODY, parameters: { site: 'Oslo' } });
    const activities = pipeline.properties.activities;
    assert.deepEqual(
      activities.map((a) => a.name),
      [ACTIVITY.clientId, ACTIVITY.clientSecret, ACTIVITY.eventHubsToken, ACTIVITY.send],
    );
    for (const activity of activities) {
      assert.equal(activity.type, 'WebActivity');
      assert.equal(activity.policy.secureInput, true);
      assert.equal(activity.policy.secureOutput, true);
      assert.ok(activity.dependsOn.every((d) => d.dependencyConditions.length === 1 && d.dependencyConditions[0] === 'Succeeded'));
    }
    const [clientId, clientSecret, token, send] = activities;
    assert.equal(clientId?.typeProperties.url, 'https://contoso-kv.vault.azure.net/secrets/pipeline-client-id?api-version=7.0');
    assert.equal(clientSecret?.typeProperties.url, 'https://contoso-kv.vault.azure.net/secrets/pipeline-client-secret?api-version=7.0');
    assert.deepEqual(clientId?.typeProperties.authentication, { type: 'MSI', resource: 'https://vault.azure.net' });
    assert.equal(clientId?.typeProperties.method, 'GET');
    assert.equal(token?.typeProperties.url, `https://login.microsoftonline.com/${TENANT}/oauth2/token`);
    assert.equal(
      token?.typeProperties.body,
      "grant_type=client_credentials&client_id=@{activity('Get client id').output.value}&client_secret=@{encodeUriComponent(activity('Get client secret').output.value)}&resource=https://eventhubs.azure.net",
    );
    assert.deepEqual(token?.typeProperties.headers, { 'Content-Type': 'application/x-www-form-urlencoded' });
    assert.deepEqual(token?.dependsOn.map((d) => d.activity), [ACTIVITY.clientId, ACTIVITY.clientSecret]);
    assert.equal(send?.typeProperties.url, 'https://eventstream-1234abcd.servicebus.windows.net/es_9abc0def/messages?timeout=60&api-version=2014-01');
    assert.deepEqual(send?.typeProperties.headers, {
      Authorization: "Bearer @{activity('Get Event Hubs token').output.access_token}",
      'Content-Type': 'application/atom+xml;type=entry;charset=utf-8',
    });
    assert.equal(send?.policy.retry, 0, 'a retried send could deliver the event twice');
    // The body keeps its Data Factory expressions; eventIndex() (this tool's own) becomes 0.
    // A parameter's value is JSON-escaped, as the local flow does it.
    assert.equal(send?.typeProperties.body, `{"site": "@{${jsonEscaped('pipeline().parameters.site')}}", "run": "@{pipeline().RunId}", "id": "@{guid()}", "at": "@{utcNow()}", "n": 0}`);
    assert.equal(jsonEscaped('x'), "replace(replace(replace(replace(replace(replace(replace(x, '\\', '\\\\'), '\"', '\\\"'), decodeUriComponent('%0A'), '\\n'), decodeUriComponent('%0D'), '\\r'), decodeUriComponent('%09'), '\\t'), decodeUriComponent('%08'), '\\b'), decodeUriComponent('%0C'), '\\f')");
    assert.deepEqual(pipeline.properties.parameters, { site: { type: 'String', defaultValue: 'Oslo' } });
  });

  it('with the reader service principal: a token activity whose secret is a SecureString parameter without a value', () => {
    const pipeline = pipelineOf(sampleProfile(), { keyVaultAuth: 'servicePrincipal' });
    const [kvToken, clientId] = pipeline.properties.activities;
    assert.equal(kvToken?.name, ACTIVITY.keyVaultToken);
    assert.match(kvToken?.typeProperties.body ?? '', new RegExp(`client_secret=@\\{encodeUriComponent\\(pipeline\\(\\)\\.parameters\\.${READER_SECRET_PARAMETER}\\)\\}&resource=https://vault.azure.net$`));
    assert.deepEqual(pipeline.properties.parameters[READER_SECRET_PARAMETER], { type: 'SecureString' });
    assert.deepEqual(clientId?.typeProperties.headers, { Authorization: "Bearer @{activity('Get Key Vault token').output.access_token}" });
    assert.deepEqual(clientId?.dependsOn, [{ activity: ACTIVITY.keyVaultToken, dependencyConditions: ['Succeeded'] }]);
    assert.throws(
      () => buildPipeline(sampleProfile({ keyVault: { ...sampleProfile().keyVault, auth: { kind: 'azureCli' } } }), { keyVaultAuth: 'servicePrincipal' }),
      /needs a profile whose Key Vault token comes from a service principal/,
    );
  });

  it("uses the profile's cloud for hosts and audiences, a pinned secret version, and v2 scopes", () => {
    const china = sampleProfile({
      cloud: 'china',
      keyVault: { ...sampleProfile().keyVault, vaultUrl: 'https://contoso-kv.vault.azure.cn/', clientSecretSecret: { name: 'pipeline-client-secret', version: '0123456789abcdef0123456789abcdef' } },
      eventHubsToken: { tenantId: TENANT, endpointVersion: 'v2' },
      endpoint: { ...sampleProfile().endpoint, namespace: 'contoso-ns.servicebus.chinacloudapi.cn' },
    });
    const [clientId, clientSecret, token, send] = pipelineOf(china).properties.activities;
    assert.deepEqual(clientId?.typeProperties.authentication, { type: 'MSI', resource: 'https://vault.azure.cn' });
    assert.equal(clientSecret?.typeProperties.url, 'https://contoso-kv.vault.azure.cn/secrets/pipeline-client-secret/0123456789abcdef0123456789abcdef?api-version=7.0');
    assert.equal(token?.typeProperties.url, `https://login.chinacloudapi.cn/${TENANT}/oauth2/v2.0/token`);
    assert.match(token?.typeProperties.body ?? '', /&scope=https:\/\/eventhubs\.azure\.net\/\.default$/);
    assert.match(send?.typeProperties.url ?? '', /^https:\/\/contoso-ns\.servicebus\.chinacloudapi\.cn\/es_9abc0def\/messages/);
    const usgov = pipelineOf(
      sampleProfile({
        cloud: 'usgov',
        keyVault: { ...sampleProfile().keyVault, vaultUrl: 'https://contoso-kv.vault.usgovcloudapi.net' },
        endpoint: { ...sampleProfile().endpoint, namespace: 'contoso-ns.servicebus.usgovcloudapi.net' },
      }),
    );
    assert.deepEqual(usgov.properties.activities[0]?.typeProperties.authentication, { type: 'MSI', resource: 'https://vault.usgovcloudapi.net' });
    assert.match(usgov.properties.activities[2]?.typeProperties.url ?? '', /^https:\/\/login\.microsoftonline\.us\//);
  });

  it('refuses a body with an expression the flow cannot send, naming it', () => {
    assert.throws(() => exportFlow(sampleProfile(), 'pipeline', { bodyTemplate: '{"x": "@{concat(1,2)}"}' }), /not supported in sample events/);
    assert.throws(() => exportFlow(sampleProfile(), 'pipeline', { bodyTemplate: '  ' }), /is empty/);
  });
});

describe('.http and curl exports', () => {
  it('.http: variables on top, the secret from the environment, named requests chained by response references', () => {
    const { text, languageId, fileName } = exportFlow(sampleProfile(), 'http', { bodyTemplate: BODY, parameters: { site: 'Os"lo' } });
    assert.equal(languageId, 'http');
    assert.equal(fileName, 'Orders-pipeline.http');
    assert.match(text, /^@authority = https:\/\/login\.microsoftonline\.com$/m);
    assert.match(text, /^@param_site = Os\\"lo$/m);
    // Secrets in a form body are file variables referenced percent-encoded ({{%name}}).
    assert.match(text, /^@readerClientSecret = \{\{\$processEnv EVENTSTREAM_FLOW_CLIENT_SECRET\}\}$/m);
    assert.match(text, /client_secret=\{\{%readerClientSecret\}\}&resource=/);
    for (const name of ['kvToken', 'clientId', 'clientSecret', 'ehToken', 'sendEvent']) {
      assert.match(text, new RegExp(`^# @name ${name}$`, 'm'));
    }
    assert.match(text, /^Authorization: Bearer \{\{kvToken\.response\.body\.\$\.access_token\}\}$/m);
    assert.match(text, /^@pipelineClientId = \{\{clientId\.response\.body\.\$\.value\}\}$/m);
    assert.match(text, /^@pipelineClientSecret = \{\{clientSecret\.response\.body\.\$\.value\}\}$/m);
    assert.match(text, /client_id=\{\{%pipelineClientId\}\}&client_secret=\{\{%pipelineClientSecret\}\}&resource=/);
    assert.match(text, /^Authorization: Bearer \{\{ehToken\.response\.body\.\$\.access_token\}\}$/m);
    assert.match(text, /^Content-Type: application\/atom\+xml;type=entry;charset=utf-8$/m);
    assert.match(text, /\{"site": "\{\{param_site\}\}", "run": "\{\{runId\}\}", "id": "\{\{\$guid\}\}", "at": "\{\{\$datetime iso8601\}\}", "n": 0\}/);
    assert.equal(text.split('\n').filter((l) => l.startsWith('###')).length, 5);
  });

  it('.http for an Azure CLI profile: the Key Vault token comes from the environment, four requests', () => {
    const { text } = exportFlow(sampleProfile({ keyVault: { ...sampleProfile().keyVault, auth: { kind: 'azureCli' } } }), 'http');
    assert.doesNotMatch(text, /@name kvToken/);
    assert.match(text, /^Authorization: Bearer \{\{\$processEnv EVENTSTREAM_FLOW_KEY_VAULT_TOKEN\}\}$/m);
    assert.equal(text.split('\n').filter((l) => l.startsWith('###')).length, 4);
  });

  it('curl: strict bash, secrets from the environment with a clear error, jq checked, no set -x, no secret on a command line', () => {
    const { text, languageId, fileName } = exportFlow(sampleProfile(), 'curl', { bodyTemplate: BODY });
    assert.equal(languageId, 'shellscript');
    assert.equal(fileName, 'Orders-pipeline.sh');
    assert.ok(text.startsWith('#!/usr/bin/env bash\n'));
    assert.match(text, /^set -euo pipefail$/m);
    assert.doesNotMatch(text, /set -x|set -o xtrace/);
    assert.match(text, /^: "\$\{EVENTSTREAM_FLOW_CLIENT_SECRET:\?Set EVENTSTREAM_FLOW_CLIENT_SECRET to /m);
    assert.match(text, /command -v jq >\/dev\/null 2>&1 \|\| \{ echo 'error: jq is not installed/);
    assert.match(text, /curl --fail-with-body -sS/);
    assert.match(text, /--data-urlencode 'grant_type=client_credentials'/);
    // Secrets and tokens only ever go through curl_option (stdin), never as curl arguments.
    assert.match(text, /curl_option data-urlencode "client_secret=\$EVENTSTREAM_FLOW_CLIENT_SECRET"/);
    assert.doesNotMatch(text, /-H "Authorization|--data-urlencode "client_secret|\becho[^\n]*\$(kv_token|eh_token|client_secret|EVENTSTREAM_FLOW_CLIENT_SECRET)/);
  });

  it('reads secrets from the variables the CLI reads', () => {
    assert.equal(EXPORT_ENV.readerClientSecret, SECRET_ENV.clientSecret);
  });

  it('parses the format names and refuses others with the list', () => {
    assert.deepEqual(EXPORT_FORMATS.map(parseExportFormat), ['pipeline', 'http', 'curl']);
    assert.equal(parseExportFormat(' HTTP '), 'http');
    assert.throws(() => parseExportFormat('postman'), /Use pipeline \(Data Factory \/ Fabric JSON\), http \(REST Client file\) or curl/);
  });
});

describe('no export holds a secret', () => {
  const profiles: [string, ConnectionProfile][] = [
    ['service principal + Entra', sampleProfile()],
    ['SAS', sampleProfile({ endpoint: { ...sampleProfile().endpoint, auth: { kind: 'sas', keyName: 'key_5678efgh', key: SAS_KEY } } })],
    ['connection string', sampleProfile({ endpoint: { ...sampleProfile().endpoint, auth: { kind: 'connectionString', connectionString: FABRIC_CS } } })],
  ];
  it('stops when a secret value would reach the text through another field', () => {
    // A secret pasted into a name is still a secret: the second guard refuses the export.
    const leaky = sampleProfile({ name: `Orders ${READER_SECRET}` });
    for (const format of EXPORT_FORMATS) {
      assert.throws(() => exportFlow(leaky, format), /Export stopped: the exported text would contain a secret/);
    }
  });

  for (const [label, profile] of profiles) {
    for (const format of EXPORT_FORMATS) {
      it(`${label} → ${format}`, () => {
        const { text } = exportFlow(profile, format, { keyVaultAuth: format === 'pipeline' ? 'servicePrincipal' : 'msi' });
        assert.ok(secretValuesOf(profile).length > 0);
        for (const secret of [...secretValuesOf(profile), READER_SECRET, SAS_KEY, encodeURIComponent(SAS_KEY)]) {
          assert.ok(!text.includes(secret), `${format} export contains a secret`);
        }
        if (profile.endpoint.auth.kind !== 'entra') {
          assert.match(text, /this export uses the Entra ID flow a pipeline runs/);
        }
      });
    }
  }
});
