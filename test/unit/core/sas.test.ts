import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSharedAccessSignature, eventHubResourceUri, parseSharedAccessSignature } from '../../../src/core/azure/sas';
import { isValidationError } from '../../../src/core/errors/errors';

void describe('createSharedAccessSignature', () => {
  const resourceUri = 'sb://eventstream-1234abcd.servicebus.windows.net/es_5678efgh';
  const key = 'c2FtcGxlLWtleS1ub3QtYmFzZTY0LWRlY29kZWQ+/=';
  const now = Date.UTC(2024, 0, 1, 0, 0, 0);

  void it('matches an independently computed HMAC-SHA256 over urlencode(sr) LF expiry', () => {
    const token = createSharedAccessSignature({ resourceUri, keyName: 'key_5678efgh', key, expiresInSeconds: 3600, now });
    const se = Math.floor(now / 1000) + 3600;
    const encoded = encodeURIComponent(resourceUri);
    // The key's UTF-8 bytes are the HMAC key: the base64 text is never decoded.
    const expectedSig = createHmac('sha256', Buffer.from(key, 'utf8')).update(`${encoded}\n${se}`).digest('base64');
    assert.equal(token, `SharedAccessSignature sr=${encoded}&sig=${encodeURIComponent(expectedSig)}&se=${se}&skn=key_5678efgh`);
    const crlf = createHmac('sha256', key).update(`${encoded}\r\n${se}`).digest('base64');
    assert.ok(!token.includes(encodeURIComponent(crlf)), 'must use LF, not CRLF');
  });

  void it('URL-encodes every part, defaults to one hour, and round-trips through the parser', () => {
    const token = createSharedAccessSignature({ resourceUri: 'https://ns.servicebus.windows.net/hub', keyName: 'my policy&1', key: 'k3y', now });
    assert.match(token, /^SharedAccessSignature sr=https%3A%2F%2Fns\.servicebus\.windows\.net%2Fhub&sig=[A-Za-z0-9%]+&se=\d+&skn=my%20policy%261$/);
    const parts = parseSharedAccessSignature(token);
    assert.equal(parts.resourceUri, 'https://ns.servicebus.windows.net/hub');
    assert.equal(parts.keyName, 'my policy&1');
    assert.equal(parts.expiresOn, Math.floor(now / 1000) + 3600);
    assert.equal(parts.hasSignature, true);
    assert.ok(!('sig' in parts));
  });

  void it('rejects empty inputs and bad lifetimes with the field named', () => {
    const cases: [Partial<Parameters<typeof createSharedAccessSignature>[0]>, string][] = [
      [{ resourceUri: '' }, 'resourceUri'],
      [{ keyName: '' }, 'keyName'],
      [{ key: '' }, 'key'],
      [{ expiresInSeconds: 0 }, 'expiresInSeconds'],
      [{ expiresInSeconds: 1.5 }, 'expiresInSeconds'],
    ];
    for (const [override, field] of cases) {
      assert.throws(
        () => createSharedAccessSignature({ resourceUri, keyName: 'k', key: 'v', ...override }),
        (e: unknown) => isValidationError(e) && e.field === field,
      );
    }
  });

  void it('builds the sb:// resource URI the SDK signs', () => {
    assert.equal(eventHubResourceUri('eventstream-1234abcd.servicebus.windows.net', 'es_1'), 'sb://eventstream-1234abcd.servicebus.windows.net/es_1');
  });
});
