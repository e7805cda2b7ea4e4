// Runs one step's action on its target and judges it by its expectations. Output passes
// through the redactor before anyone sees it: the terminal, the store, the matcher.
import type { Step, StepAction } from '../../contract/runbook.js';
import { parseHttpBlock } from '../runbook/http-block.js';
import { judgeExit, OutputMatcher } from './expectations.js';
import { buildHttpRequest, httpRequestText } from './http-substitute.js';
import type { InputValues } from './inputs.js';
import type { OutputStream, SqlResult, SqlValue, StartedProcess } from './ports.js';
import type { Redactor } from './redact.js';
import { renderTable } from './render-table.js';
import type { TargetResolver } from './run-ports.js';
import { loadShellGrammar, prepareShell, previewShell } from './shell-placeholders.js';

const DEFAULT_HTTP_TIMEOUT_MS = 30_000;

/** Rows kept to show; the count covers all of them. */
const MAX_DISPLAY_ROWS = 200;

export interface ActionOutcome {
  ok: boolean;
  reason?: string;
  /** The step's effect cannot be known (see step-faults.ts): it goes in doubt, not failed. */
  unknown?: boolean;
  exitCode?: number | null;
  signal?: string | null;
}

export interface ActionContext {
  step: Step;
  action: StepAction;
  inputs: InputValues;
  targets: TargetResolver;
  redactor: Redactor;
  signal: AbortSignal;
  /** Receives redacted output. */
  emit: (stream: OutputStream, chunk: Buffer) => void;
  /** A local step's process group, to record before its command starts. */
  onProcess?: (started: StartedProcess) => void;
}

/**
 * The command as the operator sees it before it runs: inputs in, each secret shown as
 * [secret: name]. A sh step shows each input as the word it stands for; an http step the
 * request exactly as it will be sent.
 */
export function displayCommand(action: StepAction, inputs: InputValues, redactor: Redactor, secretInputs: ReadonlySet<string>): string {
  if (action.kind === 'http') return httpPreview(action.code, inputs, redactor);
  const text = action.kind === 'sh' ? previewShell(action.code, inputs, (name) => secretInputs.has(name)) : action.code;
  return redactor.preview(text);
}

/**
 * The request exactly as it will be sent, secrets named. A request that cannot be built is
 * shown as written (it holds no values); running it then fails and says why.
 */
function httpPreview(code: string, inputs: InputValues, redactor: Redactor): string {
  const parsed = parseHttpBlock(code);
  if (!parsed.ok) return redactor.preview(code);
  try {
    return redactor.preview(httpRequestText(buildHttpRequest(parsed.request, inputs)));
  } catch {
    return redactor.preview(code);
  }
}

export async function runAction(ctx: ActionContext): Promise<ActionOutcome> {
  const { action } = ctx;
  const matcher = new OutputMatcher(action.attributes.expectOutput);
  const streams = { stdout: ctx.redactor.stream(), stderr: ctx.redactor.stream() };
  const onOutput = (stream: OutputStream, chunk: Uint8Array) => {
    const masked = streams[stream].push(chunk);
    if (masked.length === 0) return;
    matcher.push(masked);
    ctx.emit(stream, masked);
  };
  const flush = () => {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = streams[stream].flush();
      if (rest.length > 0) {
        matcher.push(rest);
        ctx.emit(stream, rest);
      }
    }
    matcher.end();
  };
  const outputReason = () =>
    action.attributes.expectOutput !== undefined && !matcher.matched
      ? `no line of the output matched expect-output /${action.attributes.expectOutput}/`
      : undefined;

  switch (action.kind) {
    case 'sh': {
      await loadShellGrammar();
      const prepared = prepareShell(action.code, ctx.inputs);
      if (!prepared.ok) {
        // The validator refuses such a runbook before a run starts; this is the last guard.
        const first = prepared.refused[0];
        return { ok: false, reason: `input '${first?.name}' is ${first?.where}; ${first?.fix}; nothing was run` };
      }
      const shell = await ctx.targets.shell(action.attributes.target ?? 'local');
      const result = await shell.run({
        script: prepared.script,
        env: { ...ctx.targets.variables, ...prepared.env },
        timeoutMs: action.attributes.timeoutMs,
        signal: ctx.signal,
        onOutput,
        ...(ctx.onProcess ? { onStart: ctx.onProcess } : {}),
      });
      flush();
      const reason = result.aborted
        ? 'aborted by the operator; the command was stopped'
        : result.timedOut
          ? `timed out after ${action.attributes.timeoutMs} ms; the command was stopped`
          : (judgeExit(action.attributes.expectExit ?? 0, result.exitCode, result.signal) ?? outputReason());
      // A command stopped by its timeout did part of its work: what exactly is unknown, so the
      // step goes in doubt rather than failed (a plain resume would run it again).
      return {
        ok: reason === undefined,
        ...(reason ? { reason } : {}),
        ...(result.timedOut ? { unknown: true } : {}),
        exitCode: result.exitCode,
        signal: result.signal,
      };
    }
    case 'sql': {
      const sql = await ctx.targets.sql(action.attributes.target ?? '');
      const params: Record<string, SqlValue> = { ...ctx.inputs };
      let verdict: string | undefined;
      const judge = (result: SqlResult): string | undefined => {
        // expect-output sees what the operator sees: the rendered table, secrets masked.
        const probe = new OutputMatcher(action.attributes.expectOutput);
        probe.push(Buffer.from(ctx.redactor.text(renderTable(result))));
        probe.end();
        if (action.attributes.expectRows !== undefined && result.rowCount !== action.attributes.expectRows) {
          return `${result.returnsRows ? 'the query returned' : 'the statement changed'} ${result.rowCount} row${result.rowCount === 1 ? '' : 's'} (expected ${action.attributes.expectRows})`;
        }
        if (action.attributes.expectOutput !== undefined && !probe.matched) {
          return `no line of the result matched expect-output /${action.attributes.expectOutput}/`;
        }
        return undefined;
      };
      const result = await sql.run({
        sql: action.code,
        params,
        mode: action.attributes.mutates.length > 0 ? 'write' : 'read',
        accept: (r) => {
          verdict = judge(r);
          return verdict === undefined;
        },
        timeoutMs: action.attributes.timeoutMs,
        signal: ctx.signal,
        maxRows: MAX_DISPLAY_ROWS,
      });
      onOutput('stdout', Buffer.from(renderTable(result)));
      flush();
      verdict ??= judge(result);
      if (verdict && action.attributes.mutates.length > 0 && !result.committed) verdict += '; the transaction was rolled back, nothing changed';
      return { ok: verdict === undefined, ...(verdict ? { reason: verdict } : {}) };
    }
    case 'http': {
      const parsed = parseHttpBlock(action.code);
      if (!parsed.ok) return { ok: false, reason: parsed.message };
      // The same function built the preview: what was shown is what is sent.
      const request = buildHttpRequest(parsed.request, ctx.inputs);
      const result = await ctx.targets.http().run({
        ...request,
        // A check that hangs helps nobody at 3 a.m.: without timeout=, give up after 30 s.
        timeoutMs: action.attributes.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS,
        signal: ctx.signal,
        onOutput,
      });
      flush();
      const expected = action.attributes.expectStatus;
      const statusOk = expected === undefined ? result.status >= 200 && result.status < 300 : result.status === expected;
      const reason = statusOk ? outputReason() : `the server answered ${result.status} (expected ${expected ?? 'a 2xx status'})`;
      return { ok: reason === undefined, ...(reason ? { reason } : {}) };
    }
  }
}
