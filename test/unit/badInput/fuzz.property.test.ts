// Property-based fuzz (#11): arbitrary JSON and strings fed to the profile decoder, the field
// validators, the JSON body parser, the template engine, the send panel's message parser and the
// CLI's option parser never fail with anything but their documented result: a Validated result,
// a ValidationError (or CorruptEntryError for a stored entry), or a parse-error object.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import { parseCliArgs } from '../../../src/cli/options';
import { isValidationError } from '../../../src/core/errors/errors';
import { renderTemplate } from '../../../src/core/events/template';
import { decodeProfileValue } from '../../../src/core/model/profileDecoder';
import { toShareableProfile } from '../../../src/core/model/shareable';
import {
  canonicalProfile,
  hostProblems,
  normalizeProfile,
  parseEventBody,
  validateAuthorityHost,
  validateClientId,
  validateClientSecret,
  validateConsumerGroup,
  validateContentType,
  validateEventHubName,
  validateNamespace,
  validatePartitionId,
  validatePartitionKey,
  validateProfile,
  validateProfileName,
  validatePropertyName,
  validateSasKey,
  validateSasKeyName,
  validateSecretName,
  validateSecretVersion,
  validateTenantId,
  validateVaultUrl,
  type Validated,
} from '../../../src/core/model/validate';
import { CorruptEntryError, decodeProfile as decodeStoredProfile } from '../../../src/extension/profiles/profileCodec';
import { isParseError, parseWebviewMessage } from '../../../src/shared/sendPanelProtocol';
import { baseProfile } from './corpusTable';

const INTERNAL = /TypeError|ReferenceError|RangeError|Something went wrong|\[object Object\]/;
const RUNS = { numRuns: 300 };

/** Runs `f`; a throw is allowed only if `allowed` says so. */
function onlyDocumented(f: () => unknown, allowed: (e: unknown) => boolean = isValidationError): void {
  try {
    f();
  } catch (e) {
    assert.ok(allowed(e), `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    assert.doesNotMatch((e as Error).message, INTERNAL);
  }
}

function assertValidated(result: Validated<unknown>, input: string): void {
  assert.equal(typeof result.ok, 'boolean');
  if (!result.ok) {
    assert.ok(isValidationError(result.error));
    assert.ok(result.error.field && result.error.problem && result.error.fix, JSON.stringify(result.error));
    assert.doesNotMatch(result.error.message, INTERNAL);
    // A refusal quotes at most a clipped part of what was typed.
    assert.ok(result.error.message.length < 700 + Math.min(input.length, 0), `${result.error.message.length} characters`);
  }
}

/** Strings made of the pieces that break parsers, plus arbitrary Unicode. */
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.array(fc.constantFrom('https://', 'sb://', '{{x}}', '@{', '}', '/', '?', '#', ':', ':443', '\n', '\r', '\u0000', '\u2028', '\u202e', ' ', '~', '%', 'a', '-', '.', '.vault.azure.net', '.servicebus.windows.net', '127.0.0.1', 'localhost', '[::1]', 'Endpoint=', ';', '=', 'SharedAccessKey'), { maxLength: 12 }).map((p) => p.join('')),
  fc.constantFrom('x'.repeat(5000), '\u{1F600}'.repeat(200), ''),
  fc.nat({ max: 20_000 }).map((n) => 'y'.repeat(n)),
);

const VALIDATORS: readonly [string, (input: string) => Validated<unknown>][] = [
  ['validateTenantId', (s) => validateTenantId(s)],
  ['validateClientId', (s) => validateClientId(s)],
  ['validateClientSecret', (s) => validateClientSecret(s)],
  ['validateSecretName', (s) => validateSecretName(s)],
  ['validateSecretVersion', (s) => validateSecretVersion(s)],
  ['validateVaultUrl', (s) => validateVaultUrl(s, 'public')],
  ['validateNamespace', (s) => validateNamespace(s, 'china')],
  ['validateAuthorityHost', (s) => validateAuthorityHost(s, 'usgov')],
  ['validateEventHubName', (s) => validateEventHubName(s)],
  ['validateSasKeyName', (s) => validateSasKeyName(s)],
  ['validateSasKey', (s) => validateSasKey(s)],
  ['validateConsumerGroup', (s) => validateConsumerGroup(s)],
  ['validatePartitionKey', (s) => validatePartitionKey(s)],
  ['validatePartitionId', (s) => validatePartitionId(s)],
  ['validatePropertyName', (s) => validatePropertyName(s)],
  ['validateProfileName', (s) => validateProfileName(s)],
  ['validateContentType', (s) => validateContentType(s)],
];

/** Every object path of the base profile, and some it does not have. */
const PATHS = [
  [],
  ['id'],
  ['name'],
  ['cloud'],
  ['authorityHost'],
  ['trustedCaPem'],
  ['keyVault'],
  ['keyVault', 'vaultUrl'],
  ['keyVault', 'auth'],
  ['keyVault', 'auth', 'kind'],
  ['keyVault', 'auth', 'tenantId'],
  ['keyVault', 'auth', 'clientId'],
  ['keyVault', 'auth', 'clientSecret'],
  ['keyVault', 'auth', 'tokenRequest'],
  ['keyVault', 'clientIdSecret'],
  ['keyVault', 'clientIdSecret', 'name'],
  ['keyVault', 'clientIdSecret', 'version'],
  ['keyVault', 'clientSecretSecret'],
  ['eventHubsToken'],
  ['eventHubsToken', 'tenantId'],
  ['eventHubsToken', 'endpointVersion'],
  ['endpoint'],
  ['endpoint', 'namespace'],
  ['endpoint', 'eventHubName'],
  ['endpoint', 'auth'],
  ['endpoint', 'auth', 'kind'],
  ['endpoint', 'auth', 'keyName'],
  ['endpoint', 'auth', 'key'],
  ['endpoint', 'auth', 'connectionString'],
  ['endpoint', 'protocol'],
  ['endpoint', 'amqpTransport'],
  ['readBack'],
  ['readBack', 'auth'],
];

/** A JSON value, weighted towards the shapes a profile field might wrongly hold. */
const fieldValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  nasty,
  fc.constantFrom<unknown>(null, [], {}, { kind: 'sas' }, { kind: 'connectionString', connectionString: 'Endpoint=sb://a.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=x' }, { kind: 'entra' }, { name: 'n', version: 5 }, 'servicePrincipal', 'azureCli', { timeoutSeconds: 'x' }, Number.MAX_VALUE),
);

function withValueAt(root: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) {
    return value;
  }
  const copy = (typeof root === 'object' && root !== null && !Array.isArray(root) ? JSON.parse(JSON.stringify(root)) : {}) as Record<string, unknown>;
  let target: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const next = target[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      target[key] = {};
    }
    target = target[key] as Record<string, unknown>;
  }
  target[path[path.length - 1] as string] = value;
  return copy;
}

describe('fuzz: the profile decoder (#11)', () => {
  it('any JSON value: a decoded profile or ValidationErrors, never a throw', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        const decoded = decodeProfileValue(value);
        if (!decoded.ok) {
          assert.ok(decoded.errors.length > 0 && decoded.errors.every((e) => isValidationError(e) && !INTERNAL.test(e.message)));
        }
      }),
      RUNS,
    );
  });

  it('a valid profile with one field replaced: decoded or refused, and a decoded one validates, normalises and exports without a throw', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), fieldValue, fc.array(fc.tuple(fc.constantFrom(...PATHS), fieldValue), { maxLength: 2 }), (path, value, more) => {
        let raw = withValueAt(baseProfile(5300), path, value);
        for (const [p, v] of more) {
          raw = withValueAt(raw, p, v);
        }
        const decoded = decodeProfileValue(raw, { label: 'fuzz' });
        if (!decoded.ok) {
          assert.ok(decoded.errors.every((e) => isValidationError(e) && e.field.startsWith('fuzz → ') && !INTERNAL.test(e.message)));
          return;
        }
        const problems = validateProfile(decoded.profile);
        assert.ok(problems.every((e) => isValidationError(e) && !INTERNAL.test(e.message)));
        assert.ok(Array.isArray(hostProblems(decoded.profile)));
        normalizeProfile(decoded.profile);
        toShareableProfile(decoded.profile);
        onlyDocumented(() => canonicalProfile(decoded.profile));
        // What the decoder accepts, a stored entry accepts too (a SecretStorage round trip).
        onlyDocumented(() => decodeStoredProfile(JSON.stringify({ v: 1, profile: { ...decoded.profile, id: 'p-1' } }), 'k'), (e) => e instanceof CorruptEntryError);
      }),
      RUNS,
    );
  });

  it('a stored entry of any shape: a profile or CorruptEntryError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)), fc.string({ maxLength: 40 })), (text) => {
        onlyDocumented(() => decodeStoredProfile(text, 'k'), (e) => e instanceof CorruptEntryError);
      }),
      RUNS,
    );
  });
});

describe('fuzz: the field validators (#11)', () => {
  for (const [name, validate] of VALIDATORS) {
    it(`${name}: any string gives a Validated result with a bounded message`, () => {
      fc.assert(
        fc.property(nasty, (input) => {
          assertValidated(validate(input), input);
        }),
        { numRuns: 200 },
      );
    });
  }
});

describe('fuzz: the JSON body parser (#11)', () => {
  it('any text: parsed exactly as JSON.parse does, or refused with a position when it is malformed', () => {
    const almostJson = fc.tuple(fc.json(), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', "'", '\t', '\n', '//', '\\', 'x', ':')).map(([json, at, insert]) => {
      const i = at % (json.length + 1);
      return json.slice(0, i) + insert + json.slice(i);
    });
    fc.assert(
      fc.property(fc.oneof(fc.json(), almostJson, fc.string({ maxLength: 40 })), (text) => {
        const result = parseEventBody(text);
        let expected: unknown;
        let valid = true;
        try {
          expected = JSON.parse(text);
        } catch {
          valid = false;
        }
        assert.equal(result.ok, valid && text.trim() !== '');
        if (result.ok) {
          assert.deepEqual(result.value, expected);
        } else {
          assertValidated(result, text);
          if (text.trim()) {
            assert.match(result.error.problem, /at line \d+, column \d+/);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('fuzz: the template engine (#11)', () => {
  it('any template: rendered text or a ValidationError', () => {
    const part = fc.oneof(
      fc.constantFrom('@{', '}', '@@', '@', '{', 'pipeline().parameters.site', 'pipeline().parameters.', 'pipeline().RunId', 'guid()', 'utcNow()', "utcNow('yyyy')", 'rand(1,100)', 'rand(5,1)', 'rand(', 'eventIndex()', 'concat(1)', '"', '\\', '\n'),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 10 }).map((p) => p.join('')), fc.dictionary(fc.constantFrom('site', 'x', '__proto__', 'constructor'), fc.string({ maxLength: 8 })), (template, parameters) => {
        onlyDocumented(() => {
          const text = renderTemplate(template, { parameters, index: 3, runId: 'run' });
          assert.equal(typeof text, 'string');
        });
      }),
      { numRuns: 500 },
    );
  });
});

describe('fuzz: the send panel and the CLI (#11)', () => {
  it('any message posted by the webview: a message or a parse error, never a throw', () => {
    const send = fc.record({ type: fc.constant('send'), form: fc.dictionary(fc.constantFrom('profileId', 'body', 'parameters', 'contentType', 'properties', 'partition', 'protocol', 'count', 'batch'), fc.jsonValue({ maxDepth: 3 })) });
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.jsonValue(), send), (message) => {
        const result = parseWebviewMessage(message);
        if (isParseError(result)) {
          assert.equal(typeof result.error, 'string');
          assert.doesNotMatch(result.error, INTERNAL);
        }
      }),
      RUNS,
    );
  });

  it('any argument list: options or a ValidationError', () => {
    const arg = fc.oneof(
      fc.constantFrom('run', 'test', 'send', 'export', 'inspect-token', 'kv-token', 'send', '--profile', '--timeout', '--count', '--body', '--param', '--property', '--partition-key', '--partition-id', '--protocol', '--fault', '--read-back', '--consumer-group', '--format', '--out', '--force', '--kv-auth', '--json', '--sandbox', '--latency', '-h', '--', '-', '=', '--timeout=5', 'a=b'),
      fc.string({ maxLength: 10 }),
    );
    fc.assert(
      fc.property(fc.array(arg, { maxLength: 8 }), (args) => {
        onlyDocumented(() => parseCliArgs(args));
      }),
      { numRuns: 500 },
    );
  });
});
