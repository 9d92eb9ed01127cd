// Differential property test for the one host parser (#13): for every host string the validators
// accept, the host that Node's https.request, the REST sender's URL and the Event Hubs SDK's own
// connection-string parser would connect to is the host the validator returned. Strings are built
// from the characters that made the original bug and its cousins: `\`, `@`, `%`, Unicode dots and
// full-width letters, IPv6 literals, ports, trailing dots, mixed case and `xn--` labels.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { urlToHttpOptions } from 'node:url';
import fc from 'fast-check';
import { parseEventHubConnectionString } from '@azure/event-hubs';
import { canonicalConnectionString, parseConnectionString } from '../../../src/core/azure/connectionString';
import { restSendUrl } from '../../../src/core/azure/restSender';
import { secretUrl } from '../../../src/core/azure/keyVaultRaw';
import { tokenEndpoint } from '../../../src/core/azure/entraToken';
import { parseHostAuthority } from '../../../src/core/model/host';
import { validateAuthorityHost, validateNamespace, validateVaultUrl } from '../../../src/core/model/validate';

const RUNS = 12_000;

/** The pieces hosts are made of, weighted towards the ones that confuse parsers. */
const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('eventstream-abcd1234', 'contoso-kv', 'localhost', '127.0.0.1', '127.0.0.2', 'attacker', 'example', 'xn--bcher-kva', 'XN--BCHER-KVA', 'EventStream-ABCD1234', 'a', '0x7f', '2130706433') },
  { weight: 4, arbitrary: fc.constantFrom('.servicebus.windows.net', '.vault.azure.net', '.servicebus.chinacloudapi.cn', '.vault.usgovcloudapi.net', '.com', '.example', '.') },
  { weight: 5, arbitrary: fc.constantFrom('\\', '@', '%', '%2e', '%40', '%5c', ':', ':443', ':8443', ':0', ':99999', '/', '?', '#', ';', ' ', '\t', '\r\n', '\u0000') },
  { weight: 3, arbitrary: fc.constantFrom('。', '．', '｡', 'ｌｏｃａｌｈｏｓｔ', 'ａ', '\u2028', 'ß', 'İ', '\u200b', 'е' /* Cyrillic */) },
  { weight: 2, arbitrary: fc.constantFrom('[::1]', '[0:0:0:0:0:0:0:1]', '[::ffff:127.0.0.1]', '::1', '[fe80::1%25eth0]', '[', ']') },
  { weight: 2, arbitrary: fc.constantFrom('sb://', 'https://', 'amqps://', 'http://', 'sb:', '//') },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 6 }) },
);
const hostText = fc.array(piece, { minLength: 1, maxLength: 7 }).map((parts) => parts.join(''));

/** What Node's http(s).request connects to for a URL string (it parses with WHATWG URL, then these options). */
function nodeConnectTarget(url: string): string {
  const options = urlToHttpOptions(new URL(url));
  const hostname = String(options.hostname ?? '');
  const host = hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
  return options.port ? `${host}:${String(options.port)}` : host;
}

/** What @azure/event-hubs connects to: it builds `Endpoint=sb://{host}/;…` itself and parses it with this. */
function sdkConnectTarget(namespace: string): string {
  return parseEventHubConnectionString(`Endpoint=sb://${namespace}/;SharedAccessKeyName=k;SharedAccessKey=v;EntityPath=es_x`).fullyQualifiedNamespace;
}

/** Without the default https port, which the URL parser drops. */
const bare = (authority: string): string => authority.replace(/:443$/, '');

describe('one host parser: what is accepted is exactly where every client connects', () => {
  it(`parseHostAuthority: ${RUNS} generated strings, every accepted one round-trips through WHATWG URL, Node and the SDK`, () => {
    let accepted = 0;
    fc.assert(
      fc.property(hostText, (text) => {
        const parsed = parseHostAuthority(text);
        if (!parsed.ok) {
          return;
        }
        accepted++;
        const { authority } = parsed.host;
        assert.match(authority, /^[a-z0-9.[\]:-]+$/, 'only lower-case ASCII host characters');
        assert.equal(bare(nodeConnectTarget(`https://${authority}/hub/messages`)), bare(authority));
        assert.equal(bare(nodeConnectTarget(`https://${text}/hub/messages`)), bare(authority), 'the raw text, had it been used, connects there too');
        assert.equal(sdkConnectTarget(authority), authority);
      }),
      { numRuns: RUNS, seed: 20261205 },
    );
    assert.ok(accepted > 200, `the generator reaches accepted hosts too (${accepted})`);
  });

  it(`validateNamespace, validateVaultUrl, validateAuthorityHost: ${RUNS} strings each, no accepted value connects elsewhere`, () => {
    const clouds = fc.constantFrom<'public' | 'china' | 'usgov'>('public', 'china', 'usgov');
    fc.assert(
      fc.property(hostText, clouds, (text, cloud) => {
        const namespace = validateNamespace(text, cloud);
        if (namespace.ok) {
          const host = namespace.value;
          assert.equal(bare(nodeConnectTarget(restSendUrl(host, 'es_x', undefined))), bare(host), `REST send for ${JSON.stringify(text)}`);
          assert.equal(sdkConnectTarget(host), host, `AMQP for ${JSON.stringify(text)}`);
          const viaString = canonicalConnectionString(parseConnectionString(`Endpoint=sb://${host}/;SharedAccessKeyName=k;SharedAccessKey=v`));
          assert.equal(parseEventHubConnectionString(viaString).fullyQualifiedNamespace, host);
        }
        const vault = validateVaultUrl(text, cloud);
        if (vault.ok) {
          const expected = new URL(vault.value).host;
          assert.equal(vault.value, `${new URL(vault.value).protocol}//${expected}`, 'the vault URL is only scheme and host');
          assert.equal(bare(nodeConnectTarget(secretUrl(vault.value, 'name', undefined, '7.0'))), bare(expected), `vault ${JSON.stringify(text)}`);
        }
        const authority = validateAuthorityHost(text, cloud);
        if (authority.ok) {
          assert.equal(bare(nodeConnectTarget(tokenEndpoint(authority.value, 'tenant', 'v1'))), bare(new URL(authority.value).host));
        }
      }),
      { numRuns: RUNS, seed: 13 },
    );
  });

  it('connection-string Endpoints: whatever our parser accepts, the SDK reads the same host from the string it is given', () => {
    fc.assert(
      fc.property(hostText, (text) => {
        let parsed;
        try {
          parsed = parseConnectionString(`Endpoint=${text};SharedAccessKeyName=k;SharedAccessKey=v;EntityPath=es_x`);
        } catch {
          return;
        }
        assert.equal(parseEventHubConnectionString(canonicalConnectionString(parsed)).fullyQualifiedNamespace, parsed.namespace);
        assert.ok(parseHostAuthority(parsed.namespace).ok);
      }),
      { numRuns: RUNS, seed: 6761 },
    );
  });

  it('the reproduction and its cousins are refused, each with a reason', () => {
    for (const text of [
      '127.0.0.2:8443\\@localhost',
      'attacker.example\\@localhost',
      'localhost@127.0.0.2',
      'ｌｏｃａｌｈｏｓｔ',
      'localhost。',
      'eventstream-abcd1234.servicebus.windows.net.',
      '2130706434',
      '0x7f.0.0.1',
      '[0:0:0:0:0:0:0:1]',
      'eventstream-abcd1234.servicebus.windows.net%2f@attacker.example',
    ]) {
      const parsed = parseHostAuthority(text);
      assert.equal(parsed.ok, false, text);
      assert.ok(!parsed.ok && parsed.problem.length > 5);
      assert.equal(validateNamespace(text).ok, false, text);
    }
  });
});
