// What an operator sees while a run goes: a header per step with the exact command and
// target, the live output, and a verdict line. With --json, one JSON object per line.
import { printable } from './printable.js';
import type { Run } from '../contract/run.js';
import type { EngineEvent, EngineOutcome } from '../app/run-types.js';
import { verdictText, type RunVerdictInfo } from '../core/audit/run-verdict.js';
import { formatBytes } from './format.js';
import { progressBar } from './progress.js';
import { PLAIN, renderTerminalMarkdown, type TerminalStyle } from './terminal-markdown.js';

export interface Printer {
  start(run: Run, info: { title: string; steps: number; protected: boolean; describe: (t: string) => string; inputs?: string[] }): void;
  event(event: EngineEvent): void;
  /** `verdict`: the run's deviations counted, so a success with skips is not a plain success. */
  finish(run: Run, outcome: EngineOutcome, verdict?: RunVerdictInfo): void;
  /**
   * While the operator answers a question asked in the middle of live output (Ctrl-C's
   * "Abort this run?"), output is not printed — it would scroll the question away — only
   * stored; `hold(false)` says how much was held back.
   */
  hold(on: boolean): void;
}

const RULE = '─'.repeat(2);

export function humanPrinter(
  write: (s: string | Uint8Array) => void,
  writeErr: (s: string | Uint8Array) => void,
  style: TerminalStyle = PLAIN,
): Printer {
  let steps = 0;
  let describe: (t: string) => string = (t) => t;
  let atLineStart = true;
  const snapshotBar = progressBar('snapshot');
  const out = (text: string | Uint8Array) => {
    write(text);
    atLineStart = typeof text === 'string' ? text.endsWith('\n') : text[text.length - 1] === 10;
  };
  const line = (text: string) => out(`${atLineStart ? '' : '\n'}${text}\n`);
  let holding = false;
  let heldBytes = 0;
  let runId = '';
  return {
    hold(on) {
      holding = on;
      if (!on && heldBytes > 0) line(`   (${formatBytes(heldBytes)} of output while you answered; all of it is stored: handrail show ${runId})`);
      if (!on) heldBytes = 0;
    },
    start(run, info) {
      runId = run.id;
      steps = info.steps;
      describe = info.describe;
      line(`Run ${run.id}: ${info.title} ${run.runbookVersion} in ${run.environment}, operator ${run.operator}`);
      // Checked when the run started (contract/incident.ts); shown escaped all the same, as `show` does.
      if (run.incident) line(`Incident ${printable(run.incident)}`);
      if (info.protected) line(`!! PROTECTED ENVIRONMENT: ${run.environment} — changes need its name typed (or --confirm ${run.environment})`);
      if (info.inputs && info.inputs.length > 0) line(`Inputs:\n${info.inputs.map((l) => `   ${l}`).join('\n')}`);
    },
    event(e) {
      switch (e.type) {
        case 'step-ready': {
          // Everything about the step before any question about it (see EngineEvent).
          const where = e.target ? ` — ${e.step.action?.kind} on ${describe(e.target)}` : e.step.action ? '' : ' — manual';
          line(`\n${RULE} ${e.idx + 1}/${steps} ${e.step.title}${where}${e.inDoubt ? ' (in doubt)' : ''}`);
          if (e.step.prose.trim() !== '') line(renderTerminalMarkdown(e.step.prose, style));
          if (e.command !== undefined) line(e.command.split('\n').map((l) => `$ ${l}`).join('\n'));
          const mutates = e.step.action?.attributes.mutates ?? [];
          if (mutates.length > 0) line(`   changes ${mutates.map(describe).join(', ')}: a verified snapshot is taken first`);
          break;
        }
        case 'step-start':
          if (e.attempt > 1) line(`   attempt ${e.attempt}`);
          break;
        case 'output':
          if (holding) {
            heldBytes += e.data.length;
            break;
          }
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
          const mark = e.status === 'succeeded' ? '✓' : e.status === 'skipped' ? '↷' : e.status === 'in-doubt' ? '?' : '✗';
          line(`${mark} ${e.status}${e.reason ? `: ${e.reason}` : ''}${e.durationMs > 0 ? ` (${(e.durationMs / 1000).toFixed(1)}s)` : ''}`);
          break;
        }
      }
    },
    finish(run, outcome, verdict) {
      switch (outcome.status) {
        case 'succeeded':
          if (verdict && verdict.deviations > 0) {
            line(`\nRun ${run.id} ${verdictText(verdict)}: see them with handrail show ${run.id}, or the audit report.`);
          } else line(`\nRun ${run.id} succeeded.`);
          break;
        case 'failed':
          line(`\nRun ${run.id} FAILED at step ${outcome.step + 1}: ${outcome.reason}`);
          line(`Nothing after that step ran. When the cause is fixed: handrail resume ${run.id}`);
          break;
        case 'aborted':
          line(`\nRun ${run.id} ABORTED${outcome.step !== undefined ? ` at step ${outcome.step + 1}` : ''}: ${outcome.reason}`);
          line(`Nothing more of it runs. What it did: handrail show ${run.id}. Its snapshots (to undo a change: handrail restore SNAPSHOT): handrail snapshots`);
          break;
        case 'refused':
          line(`\nRun ${run.id} is waiting at step ${outcome.step + 1}: ${outcome.reason}`);
          line(`It is kept as interrupted; continue with: handrail resume ${run.id} …`);
          break;
        case 'interrupted':
          line(`\nRun ${run.id} INTERRUPTED${outcome.step !== undefined ? ` at step ${outcome.step + 1}` : ''}: ${outcome.reason}`);
          line(`It is kept as interrupted, its step in doubt; continue with: handrail resume ${run.id} (or release it: handrail abort ${run.id} --reason …)`);
          break;
      }
    },
  };
}

export function jsonPrinter(write: (s: string) => void): Printer {
  const emit = (value: unknown) => write(`${JSON.stringify(value)}\n`);
  const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  return {
    hold: () => {},
    start: (run) => emit({ type: 'run-start', run }),
    event: (e) => {
      if (e.type === 'step-ready') emit({ type: e.type, idx: e.idx, title: e.step.title, target: e.target, command: e.command, inDoubt: e.inDoubt });
      if (e.type === 'step-start') emit({ type: e.type, idx: e.idx, title: e.step.title, attempt: e.attempt, target: e.target, command: e.command });
      else if (e.type === 'output') emit({ type: e.type, idx: e.idx, stream: e.stream, text: decoders[e.stream].decode(e.data, { stream: true }) });
      else emit(e);
    },
    finish: (run, outcome, verdict) => emit({ type: 'run-end', run, outcome, ...(verdict ? { verdict: verdict.verdict, deviations: verdict.deviations } : {}) }),
  };
}
