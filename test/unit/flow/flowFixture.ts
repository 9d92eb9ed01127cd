// The services a flow test runs with: a fresh redactor, token cache and a logger whose lines the
// test reads back (to prove what was logged, and that no secret was).
import { TokenCache } from '../../../src/core/flow/tokenCache';
import type { FlowServices } from '../../../src/core/flow/types';
import { createLogger } from '../../../src/core/logging/logger';
import { Redactor } from '../../../src/core/logging/redact';

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
