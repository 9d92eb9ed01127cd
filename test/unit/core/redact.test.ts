import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeForLog } from '../../../src/core/logging/logger';
import { REDACTED, Redactor, redact } from '../../../src/core/logging/redact';

const JWT = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2V2ZW50aHVicy5henVyZS5uZXQifQ.U2lnbmF0dXJlUGFydA';

void describe('redact', () => {
  void it('removes known secrets verbatim, URI-encoded, form-encoded and JSON-escaped', () => {
    const secret = 'Ab8Q~x/y+z "quoted" 1234';
    const text = [secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2), JSON.stringify(secret)].join(' | ');
    const out = redact(text, [secret]);
    assert.ok(!out.includes('Ab8Q'), out);
  });

  void it('removes the longest secret whole and ignores very short values', () => {
    assert.equal(redact('value abcdef-123 here', ['abcdef', 'abcdef-123']), `value ${REDACTED} here`);
    assert.equal(redact('a 1 b', ['1', 'a']), 'a 1 b');
  });

  void it('removes JWTs and bearer tokens, but keeps prose and challenges readable', () => {
    assert.equal(redact(`Authorization header was Bearer ${JWT}`), `Authorization header was Bearer ${REDACTED}`);
    assert.equal(redact('Bearer opaque-token-1234567890'), `Bearer ${REDACTED}`);
    assert.equal(redact('AKV10000: Request is missing a Bearer or PoP token.'), 'AKV10000: Request is missing a Bearer or PoP token.');
    const challenge = 'WWW-Authenticate: Bearer authorization="https://login.windows.net/72f988bf", resource="https://vault.azure.net"';
    assert.equal(redact(challenge), challenge);
  });

  void it('removes SAS tokens, sig=, SharedAccessKey= and SharedAccessSignature= values', () => {
    const sas = 'SharedAccessSignature sr=sb%3A%2F%2Fns%2Fhub&sig=AbC%2BdEf%3D&se=1700000000&skn=key_1';
    assert.equal(redact(`header: ${sas}`), `header: SharedAccessSignature ${REDACTED}`);
    assert.equal(redact('url?sr=x&sig=AbC%2BdEf%3D&se=1'), `url?sr=x&sig=${REDACTED}&se=1`);
    const cs = 'Endpoint=sb://ns/;SharedAccessKeyName=k;SharedAccessKey=c2VjcmV0PT0=;EntityPath=es_1';
    assert.equal(redact(cs), `Endpoint=sb://ns/;SharedAccessKeyName=k;SharedAccessKey=${REDACTED};EntityPath=es_1`);
    assert.equal(redact('SharedAccessSignature=SharedAccessSignature sr=a&sig=b;EntityPath=x'), `SharedAccessSignature=${REDACTED};EntityPath=x`);
    // The word alone in a sentence is not a token.
    assert.equal(redact('has both SharedAccessKey and SharedAccessSignature set'), 'has both SharedAccessKey and SharedAccessSignature set');
  });

  void it('removes form fields and JSON fields that carry secrets, but not numeric error codes', () => {
    assert.equal(redact('grant_type=client_credentials&client_secret=s3cr3t~x&client_id=abc'), `grant_type=client_credentials&client_secret=${REDACTED}&client_id=abc`);
    assert.equal(redact('{"access_token":"abc","expires_in":3599}'), `{"access_token":"${REDACTED}","expires_in":3599}`);
    assert.equal(redact('{"value":"the \\"secret\\"","id":"https://kv/secrets/a/1"}'), `{"value":"${REDACTED}","id":"https://kv/secrets/a/1"}`);
    assert.equal(redact('{"primaryKey":"k1","primaryConnectionString":"Endpoint=x"}'), `{"primaryKey":"${REDACTED}","primaryConnectionString":"${REDACTED}"}`);
    assert.equal(redact('see https://login.microsoftonline.com/error?code=7000215'), 'see https://login.microsoftonline.com/error?code=7000215');
    assert.equal(redact('redirect?code=0.AXoA-abc_def&state=1'), `redirect?code=${REDACTED}&state=1`);
  });

  void it('removes whole Authorization header lines', () => {
    assert.equal(redact('GET /x\r\nAuthorization: SharedAccessSignature whatever\r\nHost: h'), `GET /x\r\nAuthorization: ${REDACTED}\r\nHost: h`);
  });
});

void describe('Redactor', () => {
  void it('collects secrets, ignores empty/short ones, and extends without changing the parent', () => {
    const session = new Redactor(['session-secret', undefined, '', 'ab']);
    assert.equal(session.size, 1);
    const run = session.extend(['run-secret-value']);
    run.add(undefined);
    assert.equal(run.redact('session-secret and run-secret-value'), `${REDACTED} and ${REDACTED}`);
    assert.equal(session.redact('run-secret-value'), 'run-secret-value');
    assert.equal(session.size, 1);
    assert.equal(run.size, 2);
  });
});

void describe('redact: less common shapes', () => {
  void it('removes quoted or spaced SAS keys, AccountKey, object-dump secrets and lowercase percent-encoding', () => {
    const key = 'c2FzK2tleS92YWx1ZT0xMjM0NTY=';
    const samples = [
      `SharedAccessKey = "${key}"`,
      `Endpoint=sb://x/;SharedAccessKeyName=k;SharedAccessKey=${key}`,
      `DefaultEndpointsProtocol=https;AccountName=a;AccountKey=${key};EndpointSuffix=core.windows.net`,
      `{ client_secret: '${key}', grant_type: 'client_credentials' }`,
      `password: "${key}"`,
      `body=${encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())}`,
    ];
    for (const sample of samples) {
      const out = redact(sample, [key]);
      assert.ok(!out.includes(key) && !out.toLowerCase().includes(encodeURIComponent(key).toLowerCase()), `${sample} → ${out}`);
      assert.ok(out.includes(REDACTED), out);
    }
    assert.equal(redact('SharedAccessKeyName=key_1;'), 'SharedAccessKeyName=key_1;', 'the key *name* is not a secret');
  });
});

void describe('describeForLog', () => {
  void it('spells out the attempts of an AggregateError and the cause chain', () => {
    const error = new Error('send failed', { cause: new AggregateError([new Error('attempt 1: ServerBusy'), new Error('attempt 2: ServerBusy')], 'retries exhausted') });
    const text = describeForLog(error);
    assert.match(text, /send failed ← caused by AggregateError: retries exhausted \[Error: attempt 1: ServerBusy; Error: attempt 2: ServerBusy\]/);
  });
});
