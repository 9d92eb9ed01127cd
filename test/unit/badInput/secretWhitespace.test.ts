// A client secret with a leading or trailing line break or space (#11): Entra ID compares the secret
// exactly and answers only AADSTS7000215, so the flow says what it knows: where the value is read
// (the CLI's variable, the wizard's box, the Key Vault read) and in the explanation of the refusal.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { loadProfileFile } from '../../../src/cli/profileSource';
import { HttpResponseError } from '../../../src/core/errors/errors';
import { explainError } from '../../../src/core/errors/explain';
import { notingSecretShape } from '../../../src/core/flow/stages/secretShape';
import { edgeWhitespace, validateClientSecret } from '../../../src/core/model/validate';
import { READER_SECRET, sampleProfile } from '../extension/profilesFixtures';

/** Entra's answer to a wrong client secret (wire facts §1.4: 401 invalid_client, AADSTS7000215). */
function invalidSecret(): HttpResponseError {
  const code = 7000215;
  return new HttpResponseError('entra', 401, {}, JSON.stringify({ error: 'invalid_client', error_description: `AADSTS${code}: Invalid client secret provided.`, error_codes: [code] }));
}

describe('a client secret with a line break (#11)', () => {
  it('names the whitespace at either end', () => {
    assert.equal(edgeWhitespace('abc'), undefined);
    assert.equal(edgeWhitespace('a b'), undefined);
    assert.equal(edgeWhitespace('abc\n'), 'ends with a line break');
    assert.equal(edgeWhitespace('abc\r\n'), 'ends with a line break');
    assert.equal(edgeWhitespace('abc\n\n'), 'ends with 2 line breaks');
    assert.equal(edgeWhitespace(' abc\t'), 'starts with a space and ends with a tab');
    assert.equal(edgeWhitespace('abc   '), 'ends with 3 spaces');
    assert.equal(edgeWhitespace('\n'), 'is only whitespace');
    assert.equal(edgeWhitespace(`x${' '.repeat(200_000)}`), 'ends with 200000 spaces');
  });

  it('the wizard keeps the typed value but says it has a line break', () => {
    const checked = validateClientSecret(`${READER_SECRET}\n`);
    assert.ok(checked.ok);
    assert.equal(checked.value, `${READER_SECRET}\n`);
    assert.match(checked.note ?? '', /ends with a line break.*AADSTS7000215/);
    const clean = validateClientSecret(READER_SECRET);
    assert.ok(clean.ok && clean.note === undefined);
  });

  it('the CLI warns when the variable it reads ends with a line break, without printing the value', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'esf-secret-ws-'));
    try {
      const path = join(dir, 'p.json');
      const { clientSecret: _drop, ...auth } = sampleProfile().keyVault.auth as { clientSecret: string };
      await writeFile(path, JSON.stringify({ ...sampleProfile(), keyVault: { ...sampleProfile().keyVault, auth } }));
      const warnings: string[] = [];
      const profile = await loadProfileFile(path, (m) => warnings.push(m), { EVENTSTREAM_FLOW_CLIENT_SECRET: `${READER_SECRET}\n` });
      assert.equal(profile.keyVault.auth.kind === 'servicePrincipal' && profile.keyVault.auth.clientSecret, `${READER_SECRET}\n`, 'sent as given, as the pipeline would');
      assert.equal(warnings.length, 1);
      assert.match(warnings[0] ?? '', /client secret ends with a line break.*AADSTS7000215.*EVENTSTREAM_FLOW_CLIENT_SECRET/);
      assert.ok(!(warnings[0] ?? '').includes(READER_SECRET));
      const quiet: string[] = [];
      await loadProfileFile(path, (m) => quiet.push(m), { EVENTSTREAM_FLOW_CLIENT_SECRET: READER_SECRET });
      assert.deepEqual(quiet, []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  for (const [stage, where] of [
    ['eventHubsToken', 'The Key Vault secret pipeline-client-secret'],
    ['keyVaultToken', "The Key Vault reader's client secret in this profile"],
  ] as const) {
    it(`the ${stage} AADSTS7000215 explanation says the secret sent ends with a line break`, async () => {
      const secret = `${READER_SECRET}\n`;
      const error = await notingSecretShape(secret, where, () => Promise.reject(invalidSecret())).then(
        () => assert.fail('resolved'),
        (e: unknown) => e,
      );
      const explained = explainError(error, { stage, secrets: [secret] });
      assert.equal(explained.code, 'AADSTS7000215');
      assert.match(explained.explanation.summary, /which ends with a line break \(AADSTS7000215\)/);
      assert.match(explained.explanation.cause, new RegExp(`^${where} ends with a line break\\. Entra ID compares a client secret exactly`));
      assert.match(explained.explanation.fix, /Remove the whitespace from/);
      assert.ok(!JSON.stringify(explained).includes(READER_SECRET));
    });
  }

  it('a secret without whitespace keeps the usual explanation', async () => {
    const error = await notingSecretShape(READER_SECRET, 'The Key Vault secret x', () => Promise.reject(invalidSecret())).catch((e: unknown) => e);
    const explained = explainError(error, { stage: 'eventHubsToken' });
    assert.equal(explained.explanation.summary, 'The client secret stored in Key Vault is wrong (AADSTS7000215).');
  });
});

describe('a client secret with a line break, end to end against the sandbox (#11)', () => {
  it('stage 3 warns that the Key Vault secret ends with a line break, and stage 4\'s AADSTS7000215 says so', async () => {
    const { startTestSandbox } = await import('../azure/sandboxFixture');
    const { sandboxInternals } = await import('../../../src/sandbox/index');
    const { runCli } = await import('../cli/cliRunner');
    const sandbox = await startTestSandbox();
    const dir = await mkdtemp(join(tmpdir(), 'esf-secret-ws-'));
    try {
      const world = sandbox.world;
      const base = sandbox.profile({ name: 'line break' });
      // The pipeline principal's secret stored again, as `echo "$value" > file; az keyvault secret set --file file` would.
      sandboxInternals(sandbox).world.setSecretValue(base.keyVault.clientSecretSecret.name, `${world.pipeline.clientSecret}\n`);
      const { clientSecret: _drop, ...auth } = base.keyVault.auth as { clientSecret: string };
      const path = join(dir, 'p.json');
      await writeFile(path, JSON.stringify({ ...base, keyVault: { ...base.keyVault, auth } }));
      const run = await runCli(['run', '--profile', path], { ...process.env, EVENTSTREAM_FLOW_CLIENT_SECRET: world.reader.clientSecret });
      assert.equal(run.code, 14, run.out + run.err);
      assert.match(run.out, /✔ Read client secret .*warning: the value ends with a line break; Entra ID compares the client secret exactly/);
      assert.match(run.out, /✘ Event Hubs token .*which ends with a line break \(AADSTS7000215\)/);
      assert.match(run.out, new RegExp(`Cause: The Key Vault secret ${base.keyVault.clientSecretSecret.name} ends with a line break`));
      assert.ok(!(run.out + run.err).includes(world.pipeline.clientSecret));
    } finally {
      await sandbox.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
