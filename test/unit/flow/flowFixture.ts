// The services a flow test runs with: a fresh redactor, token cache and a logger whose lines the
// test reads back (to prove what was logged, and that no secret was); and the sandbox they run against.
import { after, before, beforeEach } from 'node:test';
import { TokenCache } from '../../../src/core/flow/tokenCache';
import type { FlowServices } from '../../../src/core/flow/types';
import { createLogger } from '../../../src/core/logging/logger';
import { Redactor } from '../../../src/core/logging/redact';
import { startSandbox } from '../../../src/sandbox/index';
import type { Sandbox } from '../../../src/sandbox/types';

/** Flow services that log into `lines` as "level message"; a 10 s stage timeout unless overridden. */
export function testServices(lines: string[], overrides: Partial<FlowServices> = {}): FlowServices {
  const redactor = new Redactor();
  return {
    redactor,
    logger: createLogger({ log: (level, m) => lines.push(`${level} ${m}`) }, redactor),
    tokenCache: new TokenCache(),
    stageTimeoutMs: 10_000,
    now: Date.now,
    ...overrides,
  };
}

/**
 * One sandbox for the test file: started before its first test (handed over through `started`),
 * stopped after its last; before each test the faults the last one injected are cleared and `reset` runs.
 */
export function useSandbox(started: (sandbox: Sandbox) => void, reset: () => void): void {
  let sandbox: Sandbox | undefined;
  before(async () => {
    sandbox = await startSandbox();
    started(sandbox);
  });
  after(async () => {
    await sandbox?.stop();
  });
  beforeEach(() => {
    sandbox?.faults.clear();
    reset();
  });
}
