// The in-host test index: runInHost.mjs passes out/integration/index.js as extensionTestsPath;
// the extension host require()s it and calls run(). Files run in name order (01-…, 02-…): the
// activation test must see the extension before anything else activates it.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';

interface MochaInHost {
  runMocha: (options: { files: string[]; timeout?: number; grep?: string }) => Promise<void>;
}

export function run(): Promise<void> {
  const repoRoot = process.env.ESF_REPO_ROOT ?? path.resolve(__dirname, '../..');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runMocha } = require(path.join(repoRoot, 'test/integration/harness/mochaInHost.cjs')) as MochaInHost;
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort()
    .map((f) => path.join(__dirname, f));
  return runMocha({ files, timeout: 60_000 });
}
