// Security issue #13: secrets that reached logs because they were written in an encoding the
// redactor did not know. One table per gap; every row is a line a real stack can print.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REDACTED, Redactor, redact } from '../../../src/core/logging/redact';

const b64u = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
const enc = encodeURIComponent;
const lowerHex = (text: string): string => text.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
/** RFC 3986 strict (.NET Uri.EscapeDataString): also !'()* , which encodeURIComponent keeps. */
const strictEnc = (text: string): string => enc(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
/** System.Text.Json's default: `+` and other HTML-sensitive characters as \u00XX, `/` as is. */
const dotnetJson = (text: string): string => JSON.stringify(text).slice(1, -1).replace(/[+&'<>]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
/** PHP json_encode: `/` as `\/`. */
const phpJson = (text: string): string => JSON.stringify(text).slice(1, -1).replace(/\//g, '\\/');
/** Every non-alphanumeric character as \uXXXX (lower-case hex, as Go writes <>&). */
const allEscaped = (text: string): string => [...text].map((c) => (/[A-Za-z0-9]/.test(c) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)).join('');

/** True when any 4+ character alphanumeric run of `secret` is still in `out`. */
function leaks(out: string, secret: string): boolean {
  return secret.split(/[^A-Za-z0-9]+/).some((part) => part.length >= 4 && out.includes(part));
}

function assertRedacted(rows: readonly (readonly [string, string])[], secret: string, known: readonly string[] = []): void {
  const failures = rows.filter(([, line]) => {
    const out = redact(line, known);
    return leaks(out, secret) || !out.includes(REDACTED);
  });
  assert.deepEqual(
    failures.map(([name, line]) => `${name}: ${redact(line, known)}`),
    [],
  );
}

// A SAS signature as HMAC-SHA256 base64 (with + / =), and that signature once URL-encoded as in a token.
const SIG = 'Q2xpZW50K1NpZ25hdHVyZS9WYWx1ZTEyMzQ1Njc4OTA+YWJj/ZGVmZ2hp=';
const SIG_IN_TOKEN = enc(SIG);
const TOKEN = `SharedAccessSignature sr=${enc('sb://ns.servicebus.windows.net/es_1')}&sig=${SIG_IN_TOKEN}&se=1700000000&skn=key_1`;

void describe('redact: percent-encoded SAS tokens and sig values', () => {
  void it('removes sig and SharedAccessSignature written percent-encoded, form-encoded, in lower-case hex, twice-encoded or JSON-escaped', () => {
    assertRedacted(
      [
        ['token as a query value', `https://app/cb?auth=${enc(TOKEN)}&state=1`],
        ['token form-encoded (+ for the space)', `auth=${new URLSearchParams({ a: TOKEN }).toString().slice(2)}`],
        ['token in lower-case hex', `auth=${lowerHex(enc(TOKEN))}`],
        ['token twice encoded', `next=${enc(enc(TOKEN))}`],
        ['sig%3D inside an encoded URL', `redirect=${enc(`https://ns/hub?sr=x&sig=${SIG_IN_TOKEN}&se=1`)}`],
        ['sig%3d lower-case', `redirect=${lowerHex(enc(`https://ns/hub?se=1&sig=${SIG_IN_TOKEN}`))}`],
        ['sig after \\u0026 (System.Text.Json)', `{"url":"https://ns/hub?sr=x\\u0026sig=${SIG_IN_TOKEN}\\u0026se=1"}`],
        ['sig\\u003D fully escaped', `{"q":"${allEscaped(`sr=x&sig=${SIG}`)}"}`],
      ],
      SIG,
    );
  });

  void it('keeps the other fields of an encoded query readable', () => {
    const out = redact(`redirect=${enc(`https://ns/hub?sr=x&sig=${SIG_IN_TOKEN}&se=1700000000&skn=key_1`)}`);
    assert.ok(out.includes(`se%3D1700000000%26skn%3Dkey_1`), out);
  });
});

void describe('redact: known secret values however JSON escapes them', () => {
  const key = 'c2FzK2tleS92YWx1ZT0xMjM0NTY/Nzg5MA+ZXZlbnRodWI=';
  const password = 'pa"ssWord\\with/slash+2024<tag>&more';
  void it('matches a known value with \\u002B for +, \\/ for /, any \\u escape and twice-escaped JSON', () => {
    const rows = (secret: string): [string, string][] => [
      ['System.Text.Json (\\u002B)', `{"cfg":"${dotnetJson(secret)}"}`],
      ['PHP (\\/)', `{"cfg":"${phpJson(secret)}"}`],
      ['\\u002B and \\/ mixed', `{"cfg":"${phpJson(secret).replace(/\+/g, '\\u002B')}"}`],
      ['every non-alphanumeric as \\u, lower-case hex', `{"cfg":"${allEscaped(secret)}"}`],
      ['JSON inside a JSON string', JSON.stringify({ body: JSON.stringify({ cfg: secret }) })],
    ];
    assertRedacted(rows(key), key, [key]);
    assertRedacted(rows(password), password, [password]);
  });
});

void describe('redact: compact JWS recognised by structure, not by an eyJ prefix', () => {
  const payload = b64u('{"aud":"https://eventhubs.azure.net","oid":"5e1f0c1d-0000-4000-8000-000000000001","roles":["Send"]}');
  const signature = 'c2lnbmF0dXJlLWJ5dGVzLW9mLXRoZS10b2tlbi0xMjM0NTY3ODkw';
  const jws = (header: string, body = payload): string => `${b64u(header)}.${body}.${signature}`;
  void it('removes tokens whose header has spaces, line breaks, other key orders or a leading space', () => {
    const tokens: [string, string][] = [
      ['spaced header ({ ")', jws('{ "alg": "RS256", "typ": "JWT" }')],
      ['pretty-printed header', jws('{\n  "typ": "JWT",\n  "alg": "HS256"\n}')],
      ['leading space', jws(' {"alg":"ES256"}')],
      ['leading CRLF', jws('\r\n{"alg":"PS256","kid":"k1"}')],
      ['payload that is not JSON (detached or binary)', jws('{ "alg": "HS256" }', b64u('raw-bytes-of-a-payload'))],
    ];
    for (const [name, token] of tokens) {
      for (const line of [`token ${token} end`, `{"weird":"${token}"}`, `x=prefix.${token}`]) {
        const out = redact(line);
        assert.ok(!out.includes(signature) && !out.includes(payload.slice(0, 20)) && !out.includes(token.slice(0, 12)), `${name}: ${out}`);
      }
    }
  });

  void it('leaves dotted names that are not tokens alone', () => {
    for (const text of [
      'eventstream-1234.servicebus.windows.net',
      'src/core/logging/redact.ts',
      'version 1.2.3 of login.microsoftonline.com',
      'aGVsbG8gd29ybGQ.dGhpcyBpcyBub3Q.YSB0b2tlbg',
      `${b64u('{ "a": 1 }')}.${b64u('[1,2]')}.${b64u('x')}`,
    ]) {
      assert.equal(redact(text), text);
    }
  });
});

void describe('redact: known values under any field name', () => {
  const secret = "Xy8Q~p@ss(word)!*'2024/Ab+Cd";
  void it('finds a known value whatever the field is called, in strict, twice or partly percent-encoded forms', () => {
    assertRedacted(
      [
        ['unknown JSON field, PHP escaping', `{"zzOpaque":"${phpJson(secret)}"}`],
        ['unknown form field, RFC 3986 strict', `zz_opaque=${strictEnc(secret)}&next=1`],
        ['unknown form field, strict and lower-case', `zz_opaque=${lowerHex(strictEnc(secret))}`],
        ['twice encoded in a return URL', `return=${enc(`https://app/?zz=${enc(secret)}`)}`],
        ['header with an unknown name, partly encoded', `X-Zz-Opaque: ${secret.replace('@', '%40').replace('/', '%2f')}`],
      ],
      secret,
      [secret],
    );
  });

  void it('finds a known value base64-encoded at any alignment (Basic credentials, encoded bodies)', () => {
    const failures: string[] = [];
    for (const prefix of ['', 'a:', 'ab:', 'abc:', '{"zz":"']) {
      for (const alphabet of ['base64', 'base64url'] as const) {
        const encoded = Buffer.from(`${prefix}${secret}:tail`).toString(alphabet);
        // The characters that only the secret's bytes decide: what must not survive.
        const from = Math.ceil((Buffer.byteLength(prefix) * 8) / 6);
        const to = Math.floor(((Buffer.byteLength(prefix) + Buffer.byteLength(secret)) * 8) / 6);
        const out = redact(`zzAuth: ${encoded}`, [secret]);
        const survivors = Array.from({ length: to - from - 5 }, (_, i) => encoded.slice(from + i, from + i + 6)).filter((w) => out.includes(w));
        if (!out.includes(REDACTED) || survivors.length > 0) {
          failures.push(`${alphabet} after ${JSON.stringify(prefix)}: ${out}`);
        }
      }
    }
    assert.deepEqual(failures, []);
  });
});

void describe('redact: percent-encoded or escaped field names', () => {
  const value = 's3cr3t~Q8.value_0123456789';
  const key = 'c2FzLWtleS12YWx1ZS0xMjM0NTY3ODkw+/A=';
  void it('removes client_secret, SharedAccessKey, sig and token fields whose names or = are encoded', () => {
    assertRedacted(
      [
        ['client%5Fsecret=', `client%5Fsecret=${value}&client_id=abc`],
        ['client%5fsecret%3d in an encoded body', lowerHex(`body=${enc(`grant_type=client_credentials&client_secret=${value}&client_id=abc`)}`).replace('client_secret', 'client%5fsecret')],
        ['client_secret%3D', `body=grant_type%3Dclient_credentials%26client_secret%3D${enc(value)}%26client_id%3Dabc`],
        ['client\\u005Fsecret in JSON-escaped text', `{"q":"client\\u005Fsecret=${value}\\u0026x=1"}`],
        ['access%5Ftoken%3D', `frag=access%5Ftoken%3D${value}%26token_type%3DBearer`],
        ['refresh_token%253D twice encoded', `next=${enc(enc(`refresh_token=${value}&a=1`))}`],
        ['password%3D', `u=${enc(`user=x&password=${value}`)}`],
      ],
      value,
    );
    assertRedacted(
      [
        ['encoded connection string', `cs=${enc(`Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=key_1;SharedAccessKey=${key};EntityPath=es_1`)}`],
        ['lower-case hex', `cs=${lowerHex(enc(`Endpoint=sb://ns/;SharedAccessKeyName=k;SharedAccessKey=${key}`))}`],
        ['storage AccountKey%3D', `cs=${enc(`AccountName=a;AccountKey=${key};EndpointSuffix=core.windows.net`)}`],
      ],
      key,
    );
    assertRedacted([['sig%253D twice encoded', `u=${enc(enc(`https://ns/hub?sr=x&sig=${SIG_IN_TOKEN}&se=1`))}`]], SIG);
    assertRedacted([['encoded SharedAccessSignature= field', `cs=${enc(`Endpoint=sb://ns/;SharedAccessSignature=${TOKEN};EntityPath=es_1`)}`]], SIG);
  });

  void it('keeps the fields around them, and names that are not secrets', () => {
    const encodedBody = `grant_type%3Dclient_credentials%26client%5Fsecret%3D${enc(value)}%26client_id%3Dabc`;
    assert.equal(redact(encodedBody), `grant_type%3Dclient_credentials%26client%5Fsecret%3D${REDACTED}%26client_id%3Dabc`);
    const cs = enc(`Endpoint=sb://ns/;SharedAccessKeyName=key_1;SharedAccessKey=${key};EntityPath=es_1`);
    const out = redact(cs);
    assert.ok(out.includes('SharedAccessKeyName%3Dkey_1') && out.endsWith('%3BEntityPath%3Des_1'), out);
    for (const text of ['see https://login.microsoftonline.com/error?code=7000215', 'error%5Fcode%3D7000215', 'client%5Fid%3Dabc', 'my_signature=ok']) {
      assert.equal(redact(text), text);
    }
  });
});

void describe('Redactor: encoded forms stay cheap and JSON stays valid', () => {
  const secrets = ['clientSecret~Value~0123456789abcdefABCDEF', 'c2FzLWtleS12YWx1ZS0xMjM0NTY3ODkwMTIzNDU2Nzg5MA==', '11111111-2222-3333-4444-555555555555'];

  void it('redactJson removes escaped forms and still parses', () => {
    const redactor = new Redactor([...secrets, 'pa"ss\\w/rd+2024']);
    const value = { a: secrets[0], nested: { text: `key=${secrets[1]}`, quoted: 'pa"ss\\w/rd+2024' }, list: [JSON.stringify({ inner: 'pa"ss\\w/rd+2024' })], n: 12345 };
    const text = redactor.redactJson(value);
    const parsed = JSON.parse(text) as unknown;
    assert.doesNotMatch(text, /0123456789abcdef|c2FzLWtleS12|2024/);
    assert.equal((parsed as { n: number }).n, 12345);
  });

  void it('redacts a log line in tens of microseconds, not more', () => {
    const redactor = new Redactor([...secrets, `${secrets[0]}-rotated`, 'Another-Secret+Value/With=Chars', 'x'.repeat(200)]);
    const line = `POST /tenant/oauth2/token client_id=${secrets[2]}&client_secret=${secrets[0]} Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl and some ordinary log text at eventstream-1234.servicebus.windows.net`;
    for (let i = 0; i < 500; i++) {
      redactor.redact(line);
    }
    const n = 5000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      redactor.redact(line);
    }
    const perLine = Number(process.hrtime.bigint() - start) / 1e3 / n;
    // Generous for a loaded CI machine; the point is that nothing is recompiled per line.
    assert.ok(perLine < 150, `${perLine.toFixed(1)} µs per line`);
  });
});
