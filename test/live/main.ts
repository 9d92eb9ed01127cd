// The runner of `npm run test:live` (see run.ts). Never part of `npm test` or CI.
import { runLive } from './run';

runLive(process.env, (line) => process.stdout.write(`${line}\n`)).then(
  // Exits once the output is written: an SDK timer left behind must not keep the suite alive.
  (code) => process.stdout.write('', () => process.exit(code)),
  (error: unknown) => {
    process.stderr.write(`test:live: internal error (${error instanceof Error ? error.name : 'unknown'})\n`);
    process.exit(1);
  },
);
