// The proxy's host goes through the one host parser too (#13): what is checked is what is used.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { proxySettingProblem } from '../../../src/core/azure/proxy';

describe('proxy host', () => {
  it('accepts ordinary proxies, with or without credentials', () => {
    for (const url of ['http://proxy.corp.example:3128', 'http://alice:s3cret@proxy.corp.example:3128', 'http://127.0.0.1:8888', 'http://[::1]:3128', 'https://proxy.corp.example']) {
      assert.equal(proxySettingProblem({ url, source: 'HTTPS_PROXY' }), undefined, url);
    }
  });

  it('refuses a host part that another parser would read differently, naming the setting', () => {
    for (const url of ['http://proxy\\@attacker.example:8080', 'http://prox%79.corp:80', 'http://ｐroxy.corp:80', 'http://2130706433:3128', 'http://proxy.corp.:3128']) {
      const problem = proxySettingProblem({ url, source: 'HTTPS_PROXY' });
      assert.ok(problem, url);
      assert.equal(problem.field, 'HTTPS_PROXY');
      assert.match(problem.problem, /proxy host/);
    }
  });
});
