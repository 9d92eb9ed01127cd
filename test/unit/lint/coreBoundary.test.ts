// The core must never see VS Code: the lint rule is the guard, so prove the rule bites. A probe file
// is written under src/core (where the project's real ESLint config applies), linted, and removed.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const root = join(__dirname, '..', '..', '..');

async function lintProbe(relativePath: string, source: string): Promise<string[]> {
  const path = join(root, relativePath);
  writeFileSync(path, source);
  try {
    const [result] = await new ESLint({ cwd: root }).lintFiles([path]);
    return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
  } finally {
    rmSync(path, { force: true });
  }
}

describe('layer boundaries enforced by lint', () => {
  it('fails when src/core imports vscode, even for types', async () => {
    const messages = await lintProbe(
      'src/core/zzLintProbe.ts',
      "import * as vscode from 'vscode';\nimport type { Uri } from 'vscode';\nexport const probe: unknown = [vscode];\nexport type P = Uri;\n",
    );
    const restricted = messages.filter((m) => m.startsWith('@typescript-eslint/no-restricted-imports') && m.includes('vscode'));
    assert.equal(restricted.length, 2, messages.join('\n'));
  });

  it('fails when src/core loads an Azure SDK eagerly, but allows type imports', async () => {
    const messages = await lintProbe(
      'src/core/zzLintProbe2.ts',
      "import { SecretClient } from '@azure/keyvault-secrets';\nimport type { TokenCredential } from '@azure/core-auth';\nexport const probe: unknown = SecretClient;\nexport type T = TokenCredential;\n",
    );
    const restricted = messages.filter((m) => m.startsWith('@typescript-eslint/no-restricted-imports'));
    assert.equal(restricted.length, 1, messages.join('\n'));
    assert.match(restricted[0] ?? '', /keyvault-secrets/);
  });
});
