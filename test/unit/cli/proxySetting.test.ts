// A malformed HTTPS_PROXY is bad input: exit 2 before any stage, naming the variable and the fix,
// never its credentials; not a stage-1 failure explained as a proxy that refused a tunnel.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXIT } from '../../../src/cli/exitCodes';
import { runCli } from './cliRunner';

describe('eventstream-flow with a malformed HTTPS_PROXY', () => {
  const cases: [string, RegExp][] = [
    ['socks5://alice:s3cret-Pa55@127.0.0.1:1080', /HTTPS_PROXY: uses the scheme socks5:\/\/, which is not an HTTP proxy/],
    ['http://alice:s3cret-Pa55@exa mple:80', /HTTPS_PROXY: is not a URL/],
    ['http://alice:s3cret-Pa55@proxy:99999', /HTTPS_PROXY: is not a URL/],
  ];
  for (const [url, problem] of cases) {
    it(`refuses ${url.replace(/:[^:@]*@/, ':***@')} with exit 2 and a fix`, async () => {
      const { code, out, err } = await runCli(['test', 'kv-token'], { ...process.env, HTTPS_PROXY: url });
      assert.equal(code, EXIT.usage, out + err);
      assert.match(err, problem);
      assert.match(err, /Set HTTPS_PROXY to http:\/\/host:port/);
      assert.doesNotMatch(out, /Key Vault token/, 'no stage ran');
      assert.ok(!(out + err).includes('s3cret-Pa55'), 'the proxy password leaked');
    });
  }
});
