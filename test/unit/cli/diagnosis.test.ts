// Diagnosis per stage through the CLI: every case of the shared table is injected into the sandbox
// with --fault, and the CLI must name the failed stage, its cause and fix (human and --json output),
// exit with that stage's code, and print no secret.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STAGE_EXIT_CODES } from '../../../src/cli/exitCodes';
import { explanationKeyFor } from '../../../src/core/errors/explain';
import { STAGE_TITLES } from '../../../src/core/flow/types';
import { DIAGNOSIS_CASES, cliFault } from '../../shared/diagnosisCases';
import { runCli } from './cliRunner';

const cli = (args: string[]) => runCli(args, process.env);

/** The sandbox's secrets are random per run; their shapes must never appear. */
function assertNothingSecret(text: string): void {
  assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{10,}\.eyJ/, 'a JWT leaked');
  assert.doesNotMatch(text, /sig=[A-Za-z0-9%]{10,}/, 'a SAS signature leaked');
  assert.doesNotMatch(text, /client_secret=[^&\s[]/, 'a client secret leaked');
  assert.doesNotMatch(text, /SharedAccessKey=[^;\s[]/, 'a SAS key leaked');
  assert.doesNotMatch(text, /[A-Za-z0-9]{3}8Q~[A-Za-z0-9_.~-]{20,}/, 'a client secret value leaked');
  assert.doesNotMatch(text, /[A-Za-z0-9+/]{43}=/, 'a SAS key value leaked');
}

interface StageLine {
  type: string;
  stage?: string;
  title?: string;
  status?: string;
  error?: { code: string; stage?: string; explanation: { summary: string; cause: string; fix: string } };
  exitCode?: number;
  failedStage?: string;
}

void describe('eventstream-flow diagnosis per stage (shared cases)', () => {
  for (const c of DIAGNOSIS_CASES) {
    const args = ['run', '--fault', cliFault(c), ...(c.stageTimeoutSeconds ? ['--timeout', String(c.stageTimeoutSeconds)] : [])];
    const exit = STAGE_EXIT_CODES[c.stage];
    const title = STAGE_TITLES[c.stage];

    void it(`${c.name}: ${args.join(' ')} fails "${title}" with cause and fix, exit ${exit}`, async () => {
      const human = await cli(args);
      assert.equal(human.code, exit, human.out + human.err);
      // Both Key Vault reads run in parallel and may both fail: read the block of this case's stage.
      const outLines = human.out.split('\n');
      const at = outLines.findIndex((l) => l.includes('✘') && l.includes(title));
      assert.ok(at >= 0, `a failed line names "${title}":\n${human.out}`);
      const block = outLines.slice(at + 1, at + 5).join('\n');
      const cause = /^\s+Cause: (.*)$/m.exec(block)?.[1] ?? '';
      const fix = /^\s+Fix: {3}(.*)$/m.exec(block)?.[1] ?? '';
      assert.match(cause, c.cause);
      assert.match(fix, c.fix);
      assert.match(human.out, new RegExp(`Flow failed at stage \\d \\(${title}\\).*Exit code ${exit}\\.`));
      assertNothingSecret(human.out + human.err);

      const json = await cli([...args, '--json']);
      assert.equal(json.code, exit, json.out + json.err);
      const lines = json.out.trim().split('\n').map((l) => JSON.parse(l) as StageLine);
      const first = lines.find((l) => l.type === 'stage' && l.status === 'failed' && l.stage === c.stage);
      assert.ok(first, `the stage ${c.stage} failed:\n${json.out}`);
      assert.equal(first?.title, title);
      const error = first?.error;
      assert.ok(error, json.out);
      assert.ok(c.entries.includes(explanationKeyFor(error.code) ?? error.code), `${error.code} is explained by ${c.entries.join(' or ')}`);
      assert.match(error.explanation.cause, c.cause);
      assert.match(error.explanation.fix, c.fix);
      const result = lines.at(-1);
      assert.equal(result?.type, 'result');
      assert.equal(result?.exitCode, exit);
      assert.equal(result?.failedStage, c.stage);
      assertNothingSecret(json.out + json.err);
    });
  }
});
