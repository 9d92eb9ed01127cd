import type { ExplainedError } from '../core/errors/errors';
import type { Redactor } from '../core/logging/redact';
import type { ReadBackOutcome } from '../core/flow/roundTrip';
import type { FlowEvent, FlowResult, StageId } from '../core/flow/types';
import { STAGE_TITLES } from '../core/flow/types';
import { STAGE_ORDER } from '../core/flow/plan';
import { EXIT, STAGE_EXIT_CODES } from './exitCodes';
import { describeCounts } from '../core/events/sendTally';

// How a run is printed: one line a stage as it finishes, in stage order (text, colour when a terminal), or one JSON object a stage as it finishes (--json).
export interface Reporter {
  event(event: FlowEvent): void;
  result(result: FlowResult, exitCode: number): void;
  /** The round trip's outcome (--read-back), after the stages. */
  readBack(outcome: ReadBackOutcome): void;
  note(message: string): void;
}

/** "event <id> on partition 1 (seq 42), end-to-end 312 ms, enqueued after 20 ms": the matched event in one line. */
export function describeReadBack(outcome: Extract<ReadBackOutcome, { status: 'matched' }>): string {
  const others = outcome.otherEvents > 0 ? `; ${outcome.otherEvents} other event${outcome.otherEvents === 1 ? '' : 's'} skipped` : '';
  return `event ${outcome.correlationId} on partition ${outcome.partitionId} (seq ${outcome.sequenceNumber}) of ${outcome.eventHubName}, consumer group ${outcome.consumerGroup}: end-to-end ${outcome.latencyMs} ms, enqueued after ${outcome.enqueueLatencyMs} ms${others}`;
}

const READ_BACK_TITLE = 'Read back';

type Write = (text: string) => void;

const TITLE_WIDTH = Math.max(...[...Object.values(STAGE_TITLES), READ_BACK_TITLE].map((t) => t.length));

/** Human output: one line per stage with its duration; failures get cause, fix and docs. */
export function createHumanReporter(out: Write, redactor: Redactor, color: boolean): Reporter {
  const paint = (code: string, text: string): string => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const write = (text: string): void => out(redactor.redact(text) + '\n');
  const line = (mark: string, stage: StageId, duration: string, text: string): void =>
    write(`  ${mark} ${STAGE_TITLES[stage].padEnd(TITLE_WIDTH)} ${duration.padStart(7)}  ${text}`);
  const inOrder = new StageOrder();
  return {
    event(event) {
      switch (event.type) {
        case 'stageStarted':
          return inOrder.started(event.stage);
        case 'stageSucceeded':
          return inOrder.finished(event.stage, () => line(paint('32', '✔'), event.stage, `${event.durationMs} ms`, event.summary));
        case 'stageSkipped':
          return line(paint('2', '–'), event.stage, '', paint('2', event.reason));
        case 'stageCancelled':
          return inOrder.finished(event.stage, () => line(paint('33', '■'), event.stage, `${event.durationMs} ms`, 'cancelled'));
        case 'stageFailed':
          return inOrder.finished(event.stage, () => {
            line(paint('31', '✘'), event.stage, `${event.durationMs} ms`, `${paint('31', event.error.code)} — ${event.error.explanation.summary}`);
            writeExplanation(write, event.error);
          });
      }
    },
    result(result, exitCode) {
      inOrder.flush();
      for (const outcome of result.outcomes) {
        if (outcome.status === 'notRun') {
          line(paint('2', '·'), outcome.stage, '', paint('2', 'not run: an earlier stage failed'));
        }
      }
      if (result.ok && exitCode === EXIT.readBack) {
        write(paint('33', `Flow succeeded in ${result.totalMs} ms, but the sent event was not read back. Exit code ${exitCode}.`));
      } else if (result.ok) {
        write(paint('32', `Flow succeeded in ${result.totalMs} ms.`));
      } else if (result.cancelled) {
        write(paint('33', result.sendCounts ? `Cancelled: ${describeCounts(result.sendCounts)} events.` : 'Cancelled.'));
      } else if (result.failedStage) {
        const n = STAGE_EXIT_CODES[result.failedStage] - 10;
        write(paint('31', `Flow failed at stage ${n} (${STAGE_TITLES[result.failedStage]}) after ${result.totalMs} ms. Exit code ${exitCode}.`));
        if (result.sendCounts && result.sendCounts.total > 1) {
          write(`  Events: ${describeCounts(result.sendCounts)}.`);
        }
      }
    },
    readBack(outcome) {
      const row = (mark: string, duration: string, text: string): void => write(`  ${mark} ${READ_BACK_TITLE.padEnd(TITLE_WIDTH)} ${duration.padStart(7)}  ${text}`);
      switch (outcome.status) {
        case 'matched':
          return row(paint('32', '✔'), `${outcome.latencyMs} ms`, describeReadBack(outcome));
        case 'notRun':
          return row(paint('2', '·'), '', paint('2', `not run: ${outcome.reason}`));
        case 'failed':
          row(paint('31', '✘'), `${outcome.waitedMs} ms`, `${paint('31', outcome.error.code)} — ${outcome.error.explanation.summary}`);
          return writeExplanation(write, outcome.error);
      }
    },
    note(message) {
      write(message);
    },
  };
}

function writeExplanation(write: Write, error: ExplainedError): void {
  const { explanation } = error;
  write(`      Cause: ${explanation.cause}`);
  write(`      Fix:   ${explanation.fix}`);
  for (const likely of error.likelyCauses ?? []) {
    write(`      Likely cause (${STAGE_TITLES[likely.tokenStage]}, ${likely.claim}): ${likely.reason}`);
    write(`             Fix: ${likely.fix}`);
  }
  if (explanation.docsUrl) {
    write(`      Docs:  ${explanation.docsUrl}`);
  }
  if (error.message && error.message !== explanation.summary) {
    write(`      Said:  ${firstLine(error.message)}`);
  }
  if (error.tried && error.tried.length > 0) {
    write(`      Tried: ${error.tried.join('; ')}`);
  }
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/)[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/**
 * Prints stages in the pipeline's order although the two Key Vault reads run in parallel and either
 * may finish first: a finished stage's lines wait while a stage before it is still running.
 */
class StageOrder {
  private readonly running = new Set<StageId>();
  private readonly held = new Map<StageId, () => void>();

  started(stage: StageId): void {
    this.running.add(stage);
  }

  finished(stage: StageId, print: () => void): void {
    this.running.delete(stage);
    this.held.set(stage, print);
    this.releaseBefore(Math.min(...[...this.running].map(rankOf)));
  }

  /** Everything still held (the run ended). */
  flush(): void {
    this.releaseBefore(Infinity);
  }

  /** Prints, in stage order, the held stages that come no later than `rank`. */
  private releaseBefore(rank: number): void {
    for (const stage of [...this.held.keys()].sort((a, b) => rankOf(a) - rankOf(b))) {
      if (rankOf(stage) > rank) {
        break;
      }
      this.held.get(stage)?.();
      this.held.delete(stage);
    }
  }
}

function rankOf(stage: StageId): number {
  return STAGE_ORDER.indexOf(stage);
}

/** JSON output: one object per finished stage, then one result object; every line redacted. */
export function createJsonReporter(out: Write, redactor: Redactor): Reporter {
  const emit = (value: object): void => out(redactor.redactJson(value) + '\n');
  return {
    event(event) {
      if (event.type === 'stageStarted') {
        return;
      }
      const status = { stageSucceeded: 'succeeded', stageFailed: 'failed', stageSkipped: 'skipped', stageCancelled: 'cancelled' }[event.type];
      emit({ type: 'stage', stage: event.stage, title: STAGE_TITLES[event.stage], status, ...withoutType(event) });
    },
    result(result, exitCode) {
      emit({
        type: 'result',
        ok: result.ok,
        cancelled: result.cancelled,
        exitCode,
        totalMs: result.totalMs,
        ...(result.failedStage ? { failedStage: result.failedStage } : {}),
        ...(result.send ? { send: result.send } : {}),
        ...(result.sendCounts ? { sendCounts: result.sendCounts } : {}),
        ...(result.endpoint ? { endpoint: result.endpoint } : {}),
        outcomes: result.outcomes.map((o) => ({ stage: o.stage, status: o.status, durationMs: o.durationMs })),
      });
    },
    readBack(outcome) {
      emit({ type: 'readBack', ...outcome });
    },
    note(message) {
      emit({ type: 'note', message });
    },
  };
}

function withoutType(event: FlowEvent): object {
  const { type: _type, stage: _stage, ...rest } = event;
  return rest;
}
