// The bad-input corpus (#11): malformed CLI options, profile fields, send-panel messages and
// wizard-step values. Each row names the field its refusal must name; corpus.test.ts checks that
// each is refused before anything is sent, with that field and a fix, and never as an internal error.

/** A profile every row starts from: valid, and reaching only the test's loopback listener. */
export function baseProfile(port: number): Record<string, unknown> {
  return {
    id: 'bad-input-base',
    name: 'Bad input base',
    cloud: 'public',
    authorityHost: `https://127.0.0.1:${port}`,
    keyVault: {
      vaultUrl: `http://127.0.0.1:${port}`,
      auth: { kind: 'servicePrincipal', tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', clientId: '11111111-2222-4333-8444-555555555555', tokenRequest: 'pipeline' },
      clientIdSecret: { name: 'pipeline-client-id' },
      clientSecretSecret: { name: 'pipeline-client-secret' },
    },
    eventHubsToken: { tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', endpointVersion: 'v1' },
    endpoint: { namespace: `127.0.0.1:${port}`, eventHubName: 'es_badinput', auth: { kind: 'entra' }, protocol: 'rest' },
  };
}

type Json = Record<string, unknown>;
const clone = (p: Json): Json => JSON.parse(JSON.stringify(p)) as Json;

/** Sets (or, with `undefined`, deletes) the value at a dotted path of a copy of the profile. */
function at(path: string, value: unknown): (p: Json) => unknown {
  return (p) => {
    const copy = clone(p);
    const keys = path.split('.');
    let target: Json = copy;
    for (const key of keys.slice(0, -1)) {
      target = target[key] as Json;
    }
    const last = keys[keys.length - 1] as string;
    if (value === undefined) {
      delete target[last];
    } else {
      target[last] = value;
    }
    return copy;
  };
}

export interface ProfileRow {
  readonly label: string;
  /** The profile file's JSON value, from the valid base. */
  readonly make: (base: Json) => unknown;
  /** What the refusal must name. */
  readonly field: RegExp;
}

const LONG = 'x'.repeat(100_000);

/** Wrong types and bad values for every field of a profile file. */
export const PROFILE_ROWS: readonly ProfileRow[] = [
  // The whole file
  { label: 'a JSON array of profiles', make: (p) => [p], field: /^profile: is a JSON array/ },
  { label: 'an empty array', make: () => [], field: /^profile: is a JSON array/ },
  { label: 'a string', make: () => 'profile', field: /^profile: is a string/ },
  { label: 'a number', make: () => 42, field: /^profile: is a number/ },
  { label: 'null', make: () => null, field: /^profile: is null/ },
  { label: 'true', make: () => true, field: /^profile: is true/ },
  { label: 'an empty object', make: () => ({}), field: /^(keyVault|endpoint|name): / },
  // id, name, cloud, authorityHost, trustedCaPem
  { label: 'id a number', make: at('id', 5), field: /^id: is a number/ },
  { label: 'id an object', make: at('id', {}), field: /^id: is an object/ },
  { label: 'name a number', make: at('name', 5), field: /^name: is a number/ },
  { label: 'name an array', make: at('name', ['a']), field: /^name: is an array/ },
  { label: 'name empty', make: at('name', ''), field: /^name: is empty/ },
  { label: 'name blank', make: at('name', '   '), field: /^name: is empty/ },
  { label: 'name of 101 characters', make: at('name', 'n'.repeat(101)), field: /^name: is 101 characters long/ },
  { label: 'name of 100,000 characters', make: at('name', LONG), field: /^name: is 100,000 characters long/ },
  { label: 'name with a line break', make: at('name', 'Orders\nFAKE LINE'), field: /^name: contains a control character/ },
  { label: 'name with a NUL', make: at('name', 'Orders\u0000'), field: /^name: contains a control character/ },
  { label: 'name with a right-to-left override', make: at('name', 'Orders\u202etxt.exe'), field: /^name: contains a control character/ },
  { label: 'cloud unknown', make: at('cloud', 'mars'), field: /^cloud: is "mars"/ },
  { label: 'cloud a number', make: at('cloud', 5), field: /^cloud: is a number/ },
  { label: 'cloud in the wrong case', make: at('cloud', 'Public'), field: /^cloud: is "Public"[\s\S]*exactly as public/ },
  { label: 'authorityHost a number', make: at('authorityHost', 5), field: /^authorityHost: is a number/ },
  { label: 'authorityHost over http', make: at('authorityHost', 'http://127.0.0.1:1'), field: /^authorityHost: must use https/ },
  { label: 'authorityHost remote', make: at('authorityHost', 'https://login.example.com'), field: /^authorityHost: overrides the Entra host/ },
  { label: 'authorityHost not a URL', make: at('authorityHost', 'login'), field: /^authorityHost: is not a URL/ },
  { label: 'authorityHost with a path', make: at('authorityHost', 'https://127.0.0.1:1/tenant/oauth2'), field: /^authorityHost: has a path/ },
  { label: 'trustedCaPem a number', make: at('trustedCaPem', 5), field: /^trustedCaPem: is a number/ },
  { label: 'trustedCaPem not PEM', make: at('trustedCaPem', 'hello'), field: /^trustedCaPem: is not a PEM certificate/ },
  { label: 'a key differing only in case', make: (p) => ({ ...(at('endpoint', undefined)(p) as Json), Endpoint: p.endpoint }), field: /^Endpoint: is not a field of the profile; endpoint is/ },
  // keyVault
  { label: 'keyVault a string', make: at('keyVault', 'https://kv.vault.azure.net'), field: /^keyVault: is a string, not an object/ },
  { label: 'keyVault missing', make: at('keyVault', undefined), field: /^keyVault: is missing/ },
  { label: 'keyVault null', make: at('keyVault', null), field: /^keyVault: is null/ },
  { label: 'keyVault an array', make: at('keyVault', []), field: /^keyVault: is an array/ },
  { label: 'keyVault a number', make: at('keyVault', 1), field: /^keyVault: is a number/ },
  { label: 'vaultUrl missing', make: at('keyVault.vaultUrl', undefined), field: /^keyVault\.vaultUrl: is missing/ },
  { label: 'vaultUrl a number', make: at('keyVault.vaultUrl', 5), field: /^keyVault\.vaultUrl: is a number/ },
  { label: 'vaultUrl an object', make: at('keyVault.vaultUrl', { url: 'x' }), field: /^keyVault\.vaultUrl: is an object/ },
  { label: 'vaultUrl empty', make: at('keyVault.vaultUrl', ''), field: /^keyVault\.vaultUrl: is empty/ },
  { label: 'vaultUrl with a query', make: at('keyVault.vaultUrl', 'https://contoso-kv.vault.azure.net/?x=1'), field: /^keyVault\.vaultUrl: has a query string/ },
  { label: 'vaultUrl over ftp', make: at('keyVault.vaultUrl', 'ftp://contoso-kv.vault.azure.net'), field: /^keyVault\.vaultUrl: uses ftp/ },
  { label: 'vaultUrl only a name', make: at('keyVault.vaultUrl', 'contoso-kv'), field: /^keyVault\.vaultUrl: is only a name/ },
  { label: 'vaultUrl in another cloud', make: at('keyVault.vaultUrl', 'https://contoso-kv.vault.azure.cn'), field: /^keyVault\.vaultUrl: is an Azure China \(21Vianet\) vault / },
  { label: 'vaultUrl a placeholder', make: at('keyVault.vaultUrl', '{{vaultUrl}}'), field: /^keyVault\.vaultUrl: is an unresolved placeholder/ },
  { label: 'vaultUrl with a line break', make: at('keyVault.vaultUrl', 'https://contoso-kv.vault.azure.net\nHost: evil'), field: /^keyVault\.vaultUrl: contains a line break/ },
  { label: 'vaultUrl with a port', make: at('keyVault.vaultUrl', 'https://contoso-kv.vault.azure.net:8443'), field: /^keyVault\.vaultUrl: has a port/ },
  { label: 'keyVault.auth null', make: at('keyVault.auth', null), field: /^keyVault\.auth: is null/ },
  { label: 'keyVault.auth a string', make: at('keyVault.auth', 'servicePrincipal'), field: /^keyVault\.auth: is a string/ },
  { label: 'keyVault.auth an array', make: at('keyVault.auth', []), field: /^keyVault\.auth: is an array/ },
  { label: 'keyVault.auth missing', make: at('keyVault.auth', undefined), field: /^keyVault\.auth: is missing/ },
  { label: 'keyVault.auth.kind unknown', make: at('keyVault.auth.kind', 'foo'), field: /^keyVault\.auth\.kind: is "foo"/ },
  { label: 'keyVault.auth.kind a number', make: at('keyVault.auth.kind', 1), field: /^keyVault\.auth\.kind: is a number/ },
  { label: 'keyVault.auth.kind missing', make: at('keyVault.auth.kind', undefined), field: /^keyVault\.auth\.kind: is missing/ },
  { label: 'keyVault.auth.kind in the wrong case', make: at('keyVault.auth.kind', 'serviceprincipal'), field: /^keyVault\.auth\.kind: [\s\S]*exactly as servicePrincipal/ },
  { label: 'tenantId missing', make: at('keyVault.auth.tenantId', undefined), field: /^keyVault\.auth\.tenantId: is missing/ },
  { label: 'tenantId a number', make: at('keyVault.auth.tenantId', 5), field: /^keyVault\.auth\.tenantId: is a number/ },
  { label: 'tenantId empty', make: at('keyVault.auth.tenantId', ''), field: /^keyVault\.auth\.tenantId: is empty/ },
  { label: 'tenantId common', make: at('keyVault.auth.tenantId', 'common'), field: /^keyVault\.auth\.tenantId: is "common", a multi-tenant alias/ },
  { label: 'tenantId a placeholder', make: at('keyVault.auth.tenantId', '{{tenantId}}'), field: /^keyVault\.auth\.tenantId: is an unresolved placeholder/ },
  { label: 'tenantId a URL', make: at('keyVault.auth.tenantId', 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47'), field: /^keyVault\.auth\.tenantId: is a URL/ },
  { label: 'tenantId a malformed GUID', make: at('keyVault.auth.tenantId', '72f988bf-86f1-41af-91ab-2d7cd011db4'), field: /^keyVault\.auth\.tenantId: looks like a GUID but is malformed/ },
  { label: 'clientId a number', make: at('keyVault.auth.clientId', 5), field: /^keyVault\.auth\.clientId: is a number/ },
  { label: 'clientId not a GUID', make: at('keyVault.auth.clientId', 'reader-app'), field: /^keyVault\.auth\.clientId: is not a GUID/ },
  { label: 'clientId a secret value', make: at('keyVault.auth.clientId', 'Abc8Q~reader.secret-value_0123456789xyz'), field: /^keyVault\.auth\.clientId: looks like a client secret value/ },
  { label: 'clientSecret a number', make: at('keyVault.auth.clientSecret', 12345), field: /^keyVault\.auth\.clientSecret: is a number, not a string/ },
  { label: 'clientSecret an object', make: at('keyVault.auth.clientSecret', { value: 'x' }), field: /^keyVault\.auth\.clientSecret: is an object/ },
  { label: 'tokenRequest unknown', make: at('keyVault.auth.tokenRequest', 'v3'), field: /^keyVault\.auth\.tokenRequest: is "v3"/ },
  { label: 'tokenRequest a boolean', make: at('keyVault.auth.tokenRequest', true), field: /^keyVault\.auth\.tokenRequest: is true/ },
  { label: 'azureCli with a numeric tenant', make: at('keyVault.auth', { kind: 'azureCli', tenantId: 5 }), field: /^keyVault\.auth\.tenantId: is a number/ },
  { label: 'signedInUser with tenant common', make: at('keyVault.auth', { kind: 'signedInUser', tenantId: 'common' }), field: /^keyVault\.auth\.tenantId: is "common"/ },
  { label: 'clientIdSecret an array', make: at('keyVault.clientIdSecret', ['pipeline-client-id']), field: /^keyVault\.clientIdSecret: is an array/ },
  { label: 'clientIdSecret a string', make: at('keyVault.clientIdSecret', 'pipeline-client-id'), field: /^keyVault\.clientIdSecret: is a string/ },
  { label: 'clientIdSecret null', make: at('keyVault.clientIdSecret', null), field: /^keyVault\.clientIdSecret: is null/ },
  { label: 'clientIdSecret without a name', make: at('keyVault.clientIdSecret', {}), field: /^keyVault\.clientIdSecret\.name: is missing/ },
  { label: 'clientIdSecret.name a number', make: at('keyVault.clientIdSecret.name', 7), field: /^keyVault\.clientIdSecret\.name: is a number/ },
  { label: 'clientIdSecret.name empty', make: at('keyVault.clientIdSecret.name', ''), field: /^keyVault\.clientIdSecret\.name: is empty/ },
  { label: 'clientIdSecret.name with spaces', make: at('keyVault.clientIdSecret.name', 'client id'), field: /^keyVault\.clientIdSecret\.name: contains characters Key Vault does not allow/ },
  { label: 'clientIdSecret.name of 128 characters', make: at('keyVault.clientIdSecret.name', 'a'.repeat(128)), field: /^keyVault\.clientIdSecret\.name: is 128 characters long/ },
  { label: 'clientIdSecret.name a secret URL', make: at('keyVault.clientIdSecret.name', 'https://kv.vault.azure.net/secrets/pipeline-client-id'), field: /^keyVault\.clientIdSecret\.name: is a secret URL/ },
  { label: 'clientIdSecret.version a number', make: at('keyVault.clientIdSecret.version', 3), field: /^keyVault\.clientIdSecret\.version: is a number/ },
  { label: 'clientIdSecret.version not hex', make: at('keyVault.clientIdSecret.version', 'latest'), field: /^keyVault\.clientIdSecret\.version: is not a Key Vault version id/ },
  { label: 'clientSecretSecret an array', make: at('keyVault.clientSecretSecret', [{ name: 'a' }]), field: /^keyVault\.clientSecretSecret: is an array/ },
  { label: 'clientSecretSecret missing', make: at('keyVault.clientSecretSecret', undefined), field: /^keyVault\.clientSecretSecret: is missing/ },
  { label: 'clientSecretSecret.name a boolean', make: at('keyVault.clientSecretSecret.name', false), field: /^keyVault\.clientSecretSecret\.name: is false/ },
  { label: 'both secrets the same', make: at('keyVault.clientSecretSecret.name', 'pipeline-client-id'), field: /^keyVault\.clientSecretSecret\.name: is the same secret/ },
  // eventHubsToken
  { label: 'eventHubsToken a string', make: at('eventHubsToken', 'v1'), field: /^eventHubsToken: is a string/ },
  { label: 'eventHubsToken an array', make: at('eventHubsToken', []), field: /^eventHubsToken: is an array/ },
  { label: 'eventHubsToken.tenantId a number', make: at('eventHubsToken.tenantId', 1), field: /^eventHubsToken\.tenantId: is a number/ },
  { label: 'eventHubsToken.tenantId organizations', make: at('eventHubsToken.tenantId', 'organizations'), field: /^eventHubsToken\.tenantId: is "organizations"/ },
  { label: 'eventHubsToken.tenantId empty (Entra send)', make: at('eventHubsToken.tenantId', ''), field: /^eventHubsToken\.tenantId: is empty/ },
  { label: 'endpointVersion v3', make: at('eventHubsToken.endpointVersion', 'v3'), field: /^eventHubsToken\.endpointVersion: is "v3"/ },
  { label: 'endpointVersion a number', make: at('eventHubsToken.endpointVersion', 1), field: /^eventHubsToken\.endpointVersion: is a number/ },
  // endpoint
  { label: 'endpoint missing', make: at('endpoint', undefined), field: /^endpoint: is missing/ },
  { label: 'endpoint a string', make: at('endpoint', 'sb://x'), field: /^endpoint: is a string/ },
  { label: 'endpoint null', make: at('endpoint', null), field: /^endpoint: is null/ },
  { label: 'endpoint an array', make: at('endpoint', [{}]), field: /^endpoint: is an array/ },
  { label: 'namespace missing', make: at('endpoint.namespace', undefined), field: /^endpoint\.namespace: is missing/ },
  { label: 'namespace a number', make: at('endpoint.namespace', 5), field: /^endpoint\.namespace: is a number/ },
  { label: 'namespace empty', make: at('endpoint.namespace', ''), field: /^endpoint\.namespace: is empty/ },
  { label: 'namespace a connection string', make: at('endpoint.namespace', 'Endpoint=sb://eventstream-1234abcd.servicebus.windows.net/;SharedAccessKeyName=k'), field: /^endpoint\.namespace: is a connection string/ },
  { label: 'namespace https://x…/ (name too short)', make: at('endpoint.namespace', 'https://x.servicebus.windows.net/'), field: /^endpoint\.namespace: has a namespace name \(x\)/ },
  { label: 'namespace https://https://…', make: at('endpoint.namespace', 'https://https://eventstream-1234abcd.servicebus.windows.net/'), field: /^endpoint\.namespace: / },
  { label: 'namespace over ftp', make: at('endpoint.namespace', 'ftp://eventstream-1234abcd.servicebus.windows.net'), field: /^endpoint\.namespace: has the scheme ftp/ },
  { label: 'namespace with a port', make: at('endpoint.namespace', 'eventstream-1234abcd.servicebus.windows.net:9093'), field: /^endpoint\.namespace: has a port/ },
  { label: 'namespace in another cloud', make: at('endpoint.namespace', 'eventstream-1234abcd.servicebus.chinacloudapi.cn'), field: /^endpoint\.namespace: is an Azure China \(21Vianet\) / },
  { label: 'namespace only a name', make: at('endpoint.namespace', 'eventstream-1234abcd'), field: /^endpoint\.namespace: is only a name/ },
  { label: 'namespace with a space', make: at('endpoint.namespace', 'event stream.servicebus.windows.net'), field: /^endpoint\.namespace: / },
  { label: 'namespace with a query', make: at('endpoint.namespace', 'eventstream-1234abcd.servicebus.windows.net/?a=1'), field: /^endpoint\.namespace: has a query string/ },
  { label: 'eventHubName missing', make: at('endpoint.eventHubName', undefined), field: /^endpoint\.eventHubName: is missing/ },
  { label: 'eventHubName a number', make: at('endpoint.eventHubName', 9), field: /^endpoint\.eventHubName: is a number/ },
  { label: 'eventHubName empty', make: at('endpoint.eventHubName', ''), field: /^endpoint\.eventHubName: is empty/ },
  { label: 'eventHubName a path', make: at('endpoint.eventHubName', 'ns/es_x'), field: /^endpoint\.eventHubName: contains "\/"/ },
  { label: 'eventHubName with a leading hyphen', make: at('endpoint.eventHubName', '-es'), field: /^endpoint\.eventHubName: may contain only/ },
  { label: 'eventHubName of 300 characters', make: at('endpoint.eventHubName', 'e'.repeat(300)), field: /^endpoint\.eventHubName: is 300 characters/ },
  { label: 'endpoint.auth null', make: at('endpoint.auth', null), field: /^endpoint\.auth: is null/ },
  { label: 'endpoint.auth a string', make: at('endpoint.auth', 'entra'), field: /^endpoint\.auth: is a string/ },
  { label: 'endpoint.auth.kind password', make: at('endpoint.auth', { kind: 'password' }), field: /^endpoint\.auth\.kind: is "password"/ },
  { label: 'endpoint.auth.kind missing', make: at('endpoint.auth', {}), field: /^endpoint\.auth\.kind: is missing/ },
  { label: 'sas without keyName', make: at('endpoint.auth', { kind: 'sas' }), field: /^endpoint\.auth\.keyName: is missing/ },
  { label: 'sas keyName a number', make: at('endpoint.auth', { kind: 'sas', keyName: 1 }), field: /^endpoint\.auth\.keyName: is a number/ },
  { label: 'sas keyName with its prefix', make: at('endpoint.auth', { kind: 'sas', keyName: 'SharedAccessKeyName=send', key: 'c2VjcmV0' }), field: /^endpoint\.auth\.keyName: includes the "SharedAccessKeyName=" prefix/ },
  { label: 'sas key a number', make: at('endpoint.auth', { kind: 'sas', keyName: 'send', key: 123 }), field: /^endpoint\.auth\.key: is a number, not a string/ },
  { label: 'sas key a connection string', make: at('endpoint.auth', { kind: 'sas', keyName: 'send', key: 'Endpoint=sb://x/;SharedAccessKey=abc' }), field: /^endpoint\.auth\.key: is a whole connection string/ },
  { label: 'connectionString a number', make: at('endpoint.auth', { kind: 'connectionString', connectionString: 5 }), field: /^endpoint\.auth\.connectionString: is a number/ },
  { label: 'connectionString garbage', make: at('endpoint.auth', { kind: 'connectionString', connectionString: 'garbage' }), field: /^endpoint\.auth\.connectionString: / },
  { label: 'protocol kafka', make: at('endpoint.protocol', 'kafka'), field: /^endpoint\.protocol: is "kafka"/ },
  { label: 'protocol a number', make: at('endpoint.protocol', 5), field: /^endpoint\.protocol: is a number/ },
  { label: 'protocol REST', make: at('endpoint.protocol', 'REST'), field: /^endpoint\.protocol: [\s\S]*exactly as rest/ },
  { label: 'amqpTransport udp', make: at('endpoint.amqpTransport', 'udp'), field: /^endpoint\.amqpTransport: is "udp"/ },
  { label: 'amqpTransport a boolean', make: at('endpoint.amqpTransport', true), field: /^endpoint\.amqpTransport: is true/ },
  // readBack
  { label: 'readBack a string', make: at('readBack', 'yes'), field: /^readBack: is a string/ },
  { label: 'readBack an array', make: at('readBack', []), field: /^readBack: is an array/ },
  { label: 'readBack.timeoutSeconds a string', make: at('readBack', { timeoutSeconds: '30' }), field: /^readBack\.timeoutSeconds: is a string, not a number/ },
  { label: 'readBack.timeoutSeconds 0', make: at('readBack', { timeoutSeconds: 0 }), field: /^readBack\.timeoutSeconds: is 0/ },
  { label: 'readBack.timeoutSeconds 601', make: at('readBack', { timeoutSeconds: 601 }), field: /^readBack\.timeoutSeconds: is 601/ },
  { label: 'readBack.consumerGroup a number', make: at('readBack', { consumerGroup: 5 }), field: /^readBack\.consumerGroup: is a number/ },
  { label: 'readBack.consumerGroup with spaces', make: at('readBack', { consumerGroup: 'my group' }), field: /^readBack\.consumerGroup: "my group" is not a consumer group name/ },
  { label: 'readBack.namespace a number', make: at('readBack', { namespace: 5 }), field: /^readBack\.namespace: is a number/ },
  { label: 'readBack.namespace over ftp', make: at('readBack', { namespace: 'ftp://x' }), field: /^readBack\.namespace: / },
  { label: 'readBack.eventHubName a path', make: at('readBack', { eventHubName: 'a/b' }), field: /^readBack\.eventHubName: contains "\/"/ },
  { label: 'readBack.auth a string', make: at('readBack', { auth: 'sas' }), field: /^readBack\.auth: is a string/ },
  { label: 'readBack.auth.kind unknown', make: at('readBack', { auth: { kind: 'nope' } }), field: /^readBack\.auth\.kind: is "nope"/ },
  { label: 'readBack.auth sas without keyName', make: at('readBack', { auth: { kind: 'sas' } }), field: /^readBack\.auth\.keyName: is missing/ },
];

export interface CliRow {
  readonly args: readonly string[];
  readonly field: RegExp;
  /** Rows about --profile itself give their own (BASE: the valid base profile, HUGE: a 2 MB file); the others get the base profile appended. */
  readonly noProfile?: boolean;
}

/** Malformed values for every option; each row but the --profile ones runs with the valid base profile. */
export const CLI_ROWS: readonly CliRow[] = [
  { args: ['frobnicate'], field: /^command: 'frobnicate' is not a command/ },
  { args: ['run', 'extra'], field: /^arguments: Unexpected argument 'extra'/ },
  { args: ['run', '--bogus'], field: /^--bogus: is not an option/ },
  { args: ['run', '--client-secret', 'abc'], field: /never accepted as command-line arguments/ },
  { args: ['test'], field: /stage/ },
  { args: ['test', 'nope'], field: /not a stage/ },
  { args: ['inspect-token', 'send'], field: /^stage: 'send' is not a stage that obtains a token/ },
  { args: ['run', '--profile', 'BASE', '--timeout'], field: /^--timeout: needs a value/, noProfile: true },
  { args: ['run', '--timeout', '0'], field: /^--timeout: is 0\./ },
  { args: ['run', '--timeout', '601'], field: /^--timeout: is 601\./ },
  { args: ['run', '--timeout', 'abc'], field: /^--timeout: is 'abc', not a whole number/ },
  { args: ['run', '--timeout', '1e3'], field: /^--timeout: is '1e3', not a whole number/ },
  { args: ['run', '--timeout', '-5'], field: /^--timeout: has a value starting with a dash[\s\S]*--timeout=<value>/ },
  { args: ['run', '--timeout=-5'], field: /^--timeout: is -5\./ },
  { args: ['run', '--timeout', '2.5'], field: /^--timeout: is '2\.5'/ },
  { args: ['run', '--count', '0'], field: /^--count: is 0\./ },
  { args: ['run', '--count', '1000001'], field: /^--count: is 1000001\./ },
  { args: ['run', '--count', 'many'], field: /^--count: is 'many'/ },
  { args: ['run', '--count', '0x10'], field: /^--count: is '0x10'/ },
  { args: ['run', '--duration', '5'], field: /^--duration: only applies to load mode/ },
  { args: ['run', '--rate', '0'], field: /^--rate: is 0\./ },
  { args: ['run', '--rate', 'fast'], field: /^--rate: is 'fast'/ },
  { args: ['run', '--rate', '5', '--count', '3'], field: /^--count\/--rate: A count and a rate cannot be combined/ },
  { args: ['run', '--json=yes'], field: /^--json: Option '--json' does not take an argument/ },
  { args: ['run', '--sandbox=1'], field: /^--sandbox: Option '--sandbox' does not take an argument/ },
  { args: ['run', '--partition-limit', '5'], field: /^--partition-limit: only applies to the local sandbox/ },
  { args: ['run', '--out', 'flow.json'], field: /^--out: only applies to export/ },
  { args: ['run', '--read-back', '--consumer-group='], field: /^--consumer-group: is empty/ },
  { args: ['run', '--expiry-warning-days=-1'], field: /^--expiry-warning-days: is -1\./ },
  { args: ['run', '--expiry-warning-days', '3651'], field: /^--expiry-warning-days: is 3651\./ },
  { args: ['run', '--expiry-warning-days', 'soon'], field: /^--expiry-warning-days: is 'soon'/ },
  { args: ['run', '--protocol', 'kafka'], field: /^--protocol: 'kafka' is not a protocol/ },
  { args: ['run', '--protocol', 'REST'], field: /^--protocol: 'REST' is not a protocol/ },
  { args: ['run', '--kv-api-version', 'latest'], field: /^--kv-api-version: .*not a Key Vault api-version/ },
  { args: ['run', '--body', ''], field: /^--body: is empty/ },
  { args: ['run', '--body', '{"a": }'], field: /^--body: is not valid JSON at line 1, column 7/ },
  { args: ['run', '--body', '{a:1}'], field: /^--body: is not valid JSON at line 1, column 2/ },
  { args: ['run', '--body', "{'a':1}"], field: /^--body: is not valid JSON.*\n.*double quotes/ },
  { args: ['run', '--body', '[1,]'], field: /^--body: is not valid JSON.*\n.*trailing comma/ },
  { args: ['run', '--body', '{"a":1} x'], field: /^--body: is not valid JSON at line 1, column 9/ },
  { args: ['run', '--body', '{"a":1', '--count', '2'], field: /^--body: is not valid JSON.*\n.*ends early/ },
  { args: ['run', '--body', '{"a":"@{pipeline().parameters.missing}"}'], field: /parameters\.missing/ },
  { args: ['run', '--body', '{}', '--file', '/dev/null'], field: /^--body\/--file: Both a body and a file/ },
  { args: ['run', '--file', '/nonexistent/event.json'], field: /^--file: Cannot read/ },
  { args: ['run', '--param', 'noequals'], field: /^--param: 'noequals' is not NAME=VALUE/ },
  { args: ['run', '--param', '=x'], field: /^--param: '=x' is not NAME=VALUE/ },
  { args: ['run', '--property', 'noequals'], field: /^--property: 'noequals' is not NAME=VALUE/ },
  { args: ['run', '--property', 'content-type=text/plain'], field: /^--property\.content-type: is a reserved header name/ },
  { args: ['run', '--property', 'x-ms-foo=1'], field: /^--property\.x-ms-foo: is a reserved header name/ },
  { args: ['run', '--property', 'my prop=1'], field: /^--property\.my prop: has characters not allowed/ },
  { args: ['run', '--content-type', 'text/plain\r\nX-Injected: 1'], field: /^--content-type: is "text\/plain\\r\\nX-Injected: 1", not a media type/ },
  { args: ['run', '--content-type', ''], field: /^--content-type: is empty/ },
  { args: ['run', '--content-type', 'json'], field: /^--content-type: is "json", not a media type/ },
  { args: ['run', '--partition-key', 'k'.repeat(129)], field: /^--partition-key: is 129 characters/ },
  { args: ['run', '--partition-id', 'first'], field: /^--partition-id: is "first"/ },
  { args: ['run', '--partition-key', 'a', '--partition-id', '0'], field: /^--partition-key\/--partition-id: .*cannot be combined/ },
  { args: ['run', '--consumer-group', '$Default'], field: /^--consumer-group: only applies to a read-back/ },
  { args: ['run', '--read-back-timeout', '5'], field: /^--read-back-timeout: only applies to a read-back/ },
  { args: ['run', '--read-back', '--consumer-group', 'my group'], field: /^--consumer-group: "my group" is not a consumer group name/ },
  { args: ['run', '--read-back', '--read-back-timeout', '0'], field: /^--read-back-timeout: is 0\./ },
  { args: ['test', 'kv-token', '--read-back'], field: /^--read-back: does not apply to test/ },
  { args: ['run', '--fault', 'send:meteorStrike'], field: /^--fault: .*not a fault kind/, noProfile: true },
  { args: ['run', '--fault', 'nostage'], field: /^--fault: 'nostage' is not STAGE:KIND/, noProfile: true },
  { args: ['run', '--fault', 'send:timeout'], field: /^--fault: only applies to the local sandbox/ },
  { args: ['run', '--latency', '100'], field: /^--latency: only applies to the local sandbox/ },
  { args: ['run', '--format', 'http'], field: /^--format: only applies to export/ },
  { args: ['run', '--kv-auth', 'msi'], field: /^--kv-auth: only applies to export/ },
  { args: ['export'], field: /^--format: export needs a format/ },
  { args: ['export', '--format', 'pdf'], field: /^--format: 'pdf' is not an export format/ },
  { args: ['export', '--format', 'http', '--force'], field: /^--force: only applies with --out/ },
  { args: ['export', '--format', 'pipeline', '--kv-auth', 'password'], field: /^--kv-auth: 'password' is not a sign-in/ },
  { args: ['run', '--profile', '/nonexistent/profile.json'], field: /^--profile: Cannot read/, noProfile: true },
  { args: ['run', '--profile', '/'], field: /^--profile: Cannot read/, noProfile: true },
  { args: ['run', '--profile'], field: /^--profile: needs a value/, noProfile: true },
  { args: ['run', '--profile', 'HUGE'], field: /^--profile: .* is 2,000,000 bytes, more than a profile file has/, noProfile: true },
];

export interface PanelRow {
  readonly label: string;
  readonly message: unknown;
  readonly field: RegExp;
}

const goodForm = {
  profileId: '6f1c2a4e-8b7d-4c1e-9a3f-2b5d7e9f1a3c',
  body: '{"site":"@{pipeline().parameters.site}"}',
  parameters: { site: 'north' },
  contentType: 'application/json',
  properties: [{ name: 'source', value: 'pipeline' }],
  partition: { kind: 'key', value: 'device-1' },
  protocol: 'rest',
  count: 3,
  batch: true,
};
const form = (patch: Record<string, unknown>): unknown => ({ type: 'send', form: { ...goodForm, ...patch } });

/** Messages a compromised or buggy webview could post to the send panel's host. */
export const PANEL_ROWS: readonly PanelRow[] = [
  { label: 'null', message: null, field: /^message must be an object/ },
  { label: 'a string', message: 'send', field: /^message must be an object/ },
  { label: 'an array', message: [{ type: 'send' }], field: /^message/ },
  { label: 'an unknown type', message: { type: 'deleteAll' }, field: /^message\.type must be one of/ },
  { label: 'a numeric type', message: { type: 7 }, field: /^message\.type/ },
  { label: 'send without a form', message: { type: 'send' }, field: /^form must be an object/ },
  { label: 'send with a form array', message: { type: 'send', form: [] }, field: /^form must be an object/ },
  { label: 'profileId a number', message: form({ profileId: 5 }), field: /^form\.profileId/ },
  { label: 'body an object', message: form({ body: { a: 1 } }), field: /^form\.body/ },
  { label: 'parameters an array', message: form({ parameters: ['a'] }), field: /^form\.parameters/ },
  { label: 'a parameter value a number', message: form({ parameters: { site: 5 } }), field: /^form\.parameters/ },
  { label: 'contentType a number', message: form({ contentType: 5 }), field: /^form\.contentType/ },
  { label: 'properties an object', message: form({ properties: { a: 1 } }), field: /^form\.properties/ },
  { label: 'a property without a name', message: form({ properties: [{ value: 'x' }] }), field: /^form\.properties/ },
  { label: 'partition a string', message: form({ partition: 'key' }), field: /^form\.partition/ },
  { label: 'partition kind unknown', message: form({ partition: { kind: 'all' } }), field: /^form\.partition/ },
  { label: 'partition key too long', message: form({ partition: { kind: 'key', value: 'k'.repeat(129) } }), field: /^form\.partition/ },
  { label: 'protocol kafka', message: form({ protocol: 'kafka' }), field: /^form\.protocol/ },
  { label: 'count 0', message: form({ count: 0 }), field: /^Count is 0\. Give a whole number from 1 to 1,000,000/ },
  { label: 'count a string', message: form({ count: '3' }), field: /count/ },
  { label: 'count a fraction', message: form({ count: 1.5 }), field: /count/ },
  { label: 'count above the limit', message: form({ count: 10_000_001 }), field: /^Count is 10000001\. Give a whole number/ },
  { label: 'batch a string', message: form({ batch: 'yes' }), field: /^form\.batch/ },
  { label: 'validateBody without a body', message: { type: 'validateBody' }, field: /body|requestId/ },
];

export interface WizardRow {
  readonly label: string;
  /** The step's own check of the typed value, as the wizard's input box runs it. */
  readonly step: 'name' | 'vaultUrl' | 'tenant' | 'clientId' | 'clientSecret' | 'secretRef' | 'namespace' | 'eventHubName' | 'keyName' | 'sasKey' | 'connectionString' | 'consumerGroup';
  readonly value: string;
  /** What the step's message must say. */
  readonly says: RegExp;
}

/** Values typed into the Add Profile wizard's steps (and Configure Read Back…'s consumer group). */
export const WIZARD_ROWS: readonly WizardRow[] = [
  { label: 'an empty name', step: 'name', value: '  ', says: /^The name is empty\. Give the profile a name/ },
  { label: 'a name of 100,000 characters', step: 'name', value: LONG, says: /^The name is 100,000 characters long \("x{30}…"\)\. Use at most 100/ },
  { label: 'a name with a line break', step: 'name', value: 'a\nb', says: /^The name contains a control character/ },
  { label: 'a name already used', step: 'name', value: 'orders PIPELINE', says: /already used by another profile\. Choose a different name/ },
  { label: 'a vault name only', step: 'vaultUrl', value: 'contoso-kv', says: /^The vault URL is only a name .*https:\/\/contoso-kv\.vault\.azure\.net/ },
  { label: 'a vault over http', step: 'vaultUrl', value: 'http://contoso-kv.vault.azure.net', says: /^The vault URL uses http/ },
  { label: 'a vault URL of 10,000 characters', step: 'vaultUrl', value: `https://${'a'.repeat(10_000)}.vault.azure.net`, says: /^The vault URL / },
  { label: 'a tenant alias', step: 'tenant', value: 'common', says: /^The tenant is "common", a multi-tenant alias/ },
  { label: 'a tenant placeholder', step: 'tenant', value: '<tenant>', says: /^The tenant is an unresolved placeholder/ },
  { label: 'a tenant GUID with a typo', step: 'tenant', value: '72f988bf-86f1-41af-91ab-2d7cd011db4z', says: /^The tenant / },
  { label: 'a client id that is a secret', step: 'clientId', value: 'Abc8Q~reader.secret-value_0123456789xyz', says: /^The client id looks like a client secret value/ },
  { label: 'an empty client id', step: 'clientId', value: '', says: /^The client id is empty/ },
  { label: 'a client secret that is its Secret ID', step: 'clientSecret', value: '11111111-2222-4333-8444-555555555555', says: /^The client secret is a GUID: that is the secret's Secret ID/ },
  { label: 'an empty client secret', step: 'clientSecret', value: ' ', says: /^The client secret is empty/ },
  { label: 'a secret name with spaces', step: 'secretRef', value: 'client id', says: /^The client id secret contains characters Key Vault does not allow/ },
  { label: 'a secret version that is not hex', step: 'secretRef', value: 'client-id/latest', says: /^The client id secret's version is not a Key Vault version id/ },
  { label: 'a namespace connection string', step: 'namespace', value: 'Endpoint=sb://eventstream-1234abcd.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=abc', says: /^The namespace is a connection string/ },
  { label: 'a namespace in another cloud', step: 'namespace', value: 'eventstream-1234abcd.servicebus.usgovcloudapi.net', says: /^The namespace is an? .*Switch|^The namespace is an? .*cloud/i },
  { label: 'an event hub path', step: 'eventHubName', value: 'ns/es_1', says: /^The event hub name contains "\/"/ },
  { label: 'a SAS key name with its prefix', step: 'keyName', value: 'SharedAccessKeyName=send', says: /^The key name includes the "SharedAccessKeyName=" prefix/ },
  { label: 'a SAS key with spaces', step: 'sasKey', value: 'abc def', says: /^The SAS key contains whitespace/ },
  { label: 'a SAS token instead of a key', step: 'sasKey', value: 'SharedAccessSignature sr=x&sig=y', says: /^The SAS key is a ready-made SAS token/ },
  { label: 'a connection string without a key', step: 'connectionString', value: 'Endpoint=sb://eventstream-1234abcd.servicebus.windows.net/;EntityPath=es_1', says: /^The connection string / },
  { label: 'a connection string that is a URL', step: 'connectionString', value: 'https://eventstream-1234abcd.servicebus.windows.net/', says: /^The connection string / },
  { label: 'a consumer group with spaces', step: 'consumerGroup', value: 'my group', says: /^The consumer group "my group" is not a consumer group name/ },
];
