// What an operator sees while a run goes: a header per step with the exact command and
// target, the live output, and a verdict line. With --json, one JSON object per line.
import type { Run } from '../contract/run.js';
import type { EngineEvent, EngineOutcome } from '../app/run-types.js';
import { formatBytes } from './format.js';
import { progressBar } from './progress.js';

export interface Printer {
  start(run: Run, info: { title: string; steps: number; protected: boolean; describe: (t: string) => string }): void;
  event(event: EngineEvent): void;
  finish(run: Run, outcome: EngineOutcome): void;
}

const RULE = '─'.repeat(2);

export function humanPrinter(write: (s: string | Uint8Array) => void, writeErr: (s: string | Uint8Array) => void): Printer {
  let steps = 0;
  let describe: (t: string) => string = (t) => t;
  let atLineStart = true;
  const snapshotBar = progressBar('snapshot');
  const out = (text: string | Uint8Array) => {
    write(text);
    atLineStart = typeof text === 'string' ? text.endsWith('\n') : text[text.length - 1] === 10;
  };
  const line = (text: string) => out(`${atLineStart ? '' : '\n'}${text}\n`);
  return {
    start(run, info) {
      steps = info.steps;
      describe = info.describe;
      line(`Run ${run.id}: ${info.title} ${run.runbookVersion} in ${run.environment}, operator ${run.operator}`);
      if (info.protected) line(`!! PROTECTED ENVIRONMENT: ${run.environment} — changes need its name typed (or --confirm ${run.environment})`);
    },
    event(e) {
      switch (e.type) {
        case 'step-start': {
          const where = e.target ? ` — ${e.step.action?.kind} on ${describe(e.target)}` : e.step.action ? '' : ' — manual';
          line(`\n${RULE} ${e.idx + 1}/${steps} ${e.step.title}${where}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`);
          if (e.command !== undefined) line(e.command.split('\n').map((l) => `$ ${l}`).join('\n'));
          else if (e.step.prose) line(e.step.prose);
          break;
        }
        case 'output':
          if (e.stream === 'stderr') {
            if (!atLineStart) out('\n');
            writeErr(e.data);
          } else out(e.data);
          break;
        case 'snapshot':
          if (e.phase === 'start') line(`   snapshot of ${e.target}: taking…`);
          if (e.phase === 'progress') snapshotBar.update(e.done ?? 0, e.total ?? 0);
          if (e.phase === 'verified' && e.result) {
            snapshotBar.end();
            line(`   snapshot of ${e.target}: verified, ${formatBytes(e.result.bytes)}, sha256 ${e.result.sha256.slice(0, 16)}… (${e.result.path})`);
          }
          break;
        case 'step-end': {
          const mark = e.status === 'succeeded' ? '✓' : e.status === 'skipped' ? '↷' : '✗';
          line(`${mark} ${e.status}${e.reason ? `: ${e.reason}` : ''}${e.durationMs > 0 ? ` (${(e.durationMs / 1000).toFixed(1)}s)` : ''}`);
          break;
        }
      }
    },
    finish(run, outcome) {
      switch (outcome.status) {
        case 'succeeded':
          line(`\nRun ${run.id} succeeded.`);
          break;
        case 'failed':
          line(`\nRun ${run.id} FAILED at step ${outcome.step + 1}: ${outcome.reason}`);
          line(`Nothing after that step ran. When the cause is fixed: handrail resume ${run.id}`);
          break;
        case 'aborted':
          line(`\nRun ${run.id} ABORTED${outcome.step !== undefined ? ` at step ${outcome.step + 1}` : ''}: ${outcome.reason}`);
          break;
        case 'interrupted':
          line(`\nRun ${run.id} INTERRUPTED${outcome.step !== undefined ? ` at step ${outcome.step + 1}` : ''}: ${outcome.reason}`);
          line(`It is kept as interrupted, the stopped step in doubt; continue with: handrail resume ${run.id} …`);
          break;
        case 'refused':
          line(`\nRun ${run.id} is waiting at step ${outcome.step + 1}: ${outcome.reason}`);
          line(`It is kept as interrupted; continue with: handrail resume ${run.id} …`);
          break;
      }
    },
  };
}

export function jsonPrinter(write: (s: string) => void): Printer {
  const emit = (value: unknown) => write(`${JSON.stringify(value)}\n`);
  const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  return {
    start: (run) => emit({ type: 'run-start', run }),
    event: (e) => {
      if (e.type === 'step-start') emit({ type: e.type, idx: e.idx, title: e.step.title, attempt: e.attempt, target: e.target, command: e.command });
      else if (e.type === 'output') emit({ type: e.type, idx: e.idx, stream: e.stream, text: decoders[e.stream].decode(e.data, { stream: true }) });
      else emit(e);
    },
    finish: (run, outcome) => emit({ type: 'run-end', run, outcome }),
  };
}
