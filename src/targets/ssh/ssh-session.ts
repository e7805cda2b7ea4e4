// One authenticated SSH connection, reused for every step a run sends to the same host.
// Each step is one `exec` channel; see remote-command.ts for what runs on the host.
import type { Client, ClientChannel } from 'ssh2';
import type { OutputStream, ShellExecutor, ShellRequest, ShellResult } from '../../core/engine/ports.js';
import { OutcomeUnknownError } from '../../core/engine/step-faults.js';
import { GroupReportReader } from './group-report.js';
import { remoteCommand, type RemoteStep } from './remote-command.js';

/** How long close() waits for the server to confirm before dropping the socket. */
const CLOSE_GRACE_MS = 2_000;

export interface SshSessionInfo {
  /** `target "app" (deploy@host:22)` or `deploy@host:22`, for messages. */
  where: string;
  /** `deploy@host:22`: where a step's process group is recorded to be found again. */
  login?: string;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  /** After a timeout or abort, how long to wait for the host to confirm the command ended. */
  stopGraceMs: number;
}

export class SshSession implements ShellExecutor {
  readonly #client: Client;
  readonly #info: SshSessionInfo;
  #lostBecause: string | undefined;
  #closed = false;
  /** Steps still running; each is told when the connection goes. */
  readonly #running = new Set<(error: Error) => void>();

  constructor(client: Client, info: SshSessionInfo) {
    this.#client = client;
    this.#info = info;
    // ssh2 emits 'error' for a keepalive timeout or a reset socket, then 'close'. Without a
    // listener an 'error' would crash the whole process.
    client.on('error', (error) => {
      this.#lostBecause ??= this.#describe(error);
    });
    client.on('end', () => this.#lose('the host closed the connection'));
    client.on('close', () => this.#lose('the connection closed'));
  }

  /** `deploy@host:22`, as recorded with a step's remote process group. */
  get login(): string {
    return this.#info.login ?? this.#info.where;
  }

  /** False once the connection is lost or closed; run() then fails at once. */
  get alive(): boolean {
    return !this.#closed && this.#lostBecause === undefined;
  }

  run(request: ShellRequest): Promise<ShellResult> {
    const { where } = this.#info;
    if (this.#closed) {
      return Promise.reject(new Error(`the SSH session to ${where} was already closed; nothing was run`));
    }
    if (this.#lostBecause !== undefined) return Promise.reject(this.#lostError(false));
    // The operator already aborted: starting the step now would run it against their wish.
    if (request.signal.aborted) {
      return Promise.resolve({ exitCode: null, signal: null, timedOut: false, aborted: true, durationMs: 0 });
    }
    let command: RemoteStep;
    try {
      command = remoteCommand(request.script, request.env);
    } catch (error) {
      const why = (error as Error).message;
      return Promise.reject(new Error(`cannot run the step on ${where}: ${why}; nothing was run`));
    }
    return new Promise((resolve, reject) => this.#exec(command, request, resolve, reject));
  }

  /** Ends the connection. Steps still running fail as lost; later runs fail at once. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#lostBecause !== undefined) return;
    await new Promise<void>((resolve) => {
      // A frozen host never answers the disconnect; don't let close() wait on it.
      const timer = setTimeout(() => {
        this.#client.destroy();
        resolve();
      }, CLOSE_GRACE_MS);
      this.#client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.#client.end();
    });
  }

  #exec(
    command: RemoteStep,
    request: ShellRequest,
    resolve: (result: ShellResult) => void,
    reject: (error: unknown) => void,
  ): void {
    const { where } = this.#info;
    const startedAt = performance.now();
    let channel: ClientChannel | undefined;
    let exit: { code: number | null; signal: string | null } | undefined;
    let stopRequested = false;
    let timedOut = false;
    let aborted = false;
    let failure: unknown;
    let settled = false;
    let graceTimer: NodeJS.Timeout | undefined;

    const stop = (): void => {
      stopRequested = true;
      if (channel === undefined) return; // done when the channel arrives
      // sshd confirms the close only once the session's command has exited. One that nothing
      // here can end (a ForceCommand, for which sshd refuses signals and our watchdog never
      // runs) would keep the step waiting for as long as it runs: say so instead.
      graceTimer ??= setTimeout(() => {
        finish(() => reject(failure ?? this.#notStopped(timedOut, request.timeoutMs)));
      }, this.#info.stopGraceMs);
      // Both: the signal kills at once where the server honours it (OpenSSH >= 7.9, not for
      // root logins); closing the channel is what every server acts on, and it sets off the
      // watchdog in remote-command.ts.
      channel.signal('KILL');
      channel.close();
    };
    const timer =
      request.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            stop();
          }, request.timeoutMs);
    const onAbort = (): void => {
      aborted = true;
      stop();
    };
    const onLost = (error: Error): void => finish(() => reject(error));
    const finish = (settle: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      request.signal.removeEventListener('abort', onAbort);
      this.#running.delete(onLost);
      settle();
    };
    request.signal.addEventListener('abort', onAbort, { once: true });
    this.#running.add(onLost);

    // Each chunk is handed on and dropped, so memory stays flat however much a step prints.
    const forward = (stream: OutputStream) => (chunk: Buffer) => {
      if (failure !== undefined) return;
      try {
        request.onOutput(stream, chunk);
      } catch (error) {
        // Output that cannot be recorded must not go on changing things unrecorded.
        failure = error;
        stop();
      }
    };
    // The wrapper's report of the step's process group comes first on stdout; the step starts
    // only once it is recorded (the `go` line), as a local step waits on its start gate.
    const reports = new GroupReportReader();
    const onStdout = (chunk: Buffer): void => {
      const { output, report } = reports.push(chunk);
      for (const part of output) forward('stdout')(part);
      if (report === undefined || !request.onStart || channel === undefined) return;
      try {
        request.onStart({ pid: report.group, startTicks: report.startTicks, remote: { login: this.login, bootId: report.bootId } });
      } catch (error) {
        // Not recorded, not started: the channel closes without `go`, and the wrapper exits 125.
        failure ??= error;
        stop();
        return;
      }
      if (!stopRequested) channel.write(command.go);
    };

    const onChannel = (error: Error | undefined, opened: ClientChannel): void => {
      if (error !== undefined) return finish(() => reject(this.#startFailed(error, true)));
      channel = opened;
      if (settled) return void opened.close();
      // The step's text and variables go on stdin, never in the exec command (see remote-command.ts).
      // Without a recorder the gate opens at once; with one, after the report is recorded.
      if (stopRequested) stop();
      else opened.write(request.onStart ? command.stdin : command.stdin + command.go);
      opened.on('data', onStdout);
      opened.stderr.on('data', forward('stderr'));
      opened.on('exit', (code: number | null, signal?: string) => {
        exit = { code: code ?? null, signal: signal ?? null };
      });
      opened.on('error', (channelError: Error) => {
        failure ??= new Error(`the SSH channel of the step on ${where} failed (${channelError.message})`);
        stop();
      });
      // ssh2 emits the client's 'close' before it closes the channels of a dead connection,
      // so a lost connection has already settled this step through onLost.
      opened.on('close', () => {
        for (const part of reports.flush()) forward('stdout')(part);
        if (failure !== undefined) return finish(() => reject(failure));
        if (exit === undefined && !stopRequested) {
          const unknown = `the step on ${where} ended without an exit status; whether it finished is unknown`;
          return finish(() => reject(new OutcomeUnknownError(`${unknown}, check on the host`)));
        }
        const { code = null, signal = null } = exit ?? {};
        const durationMs = Math.round(performance.now() - startedAt);
        finish(() => resolve({ exitCode: code, signal, timedOut, aborted, durationMs }));
      });
    };

    try {
      this.#client.exec(command.command, onChannel);
    } catch (error) {
      // ssh2 throws "Not connected" when the socket went away before we noticed.
      finish(() => reject(this.#startFailed(error as Error, false)));
    }
  }

  /** The exec request failed; if the connection went meanwhile, the command's fate is unknown. */
  #startFailed(error: Error, requestSent: boolean): Error {
    if (this.#lostBecause !== undefined) return this.#lostError(requestSent);
    return new Error(`could not start the step on ${this.#info.where} (${error.message}); nothing was run`);
  }

  #notStopped(timedOut: boolean, timeoutMs: number | undefined): Error {
    const { where, stopGraceMs } = this.#info;
    const what = timedOut ? `timed out after ${timeoutMs} ms` : 'was aborted';
    return new OutcomeUnknownError(
      `the step on ${where} ${what}, but the host did not confirm within ${stopGraceMs} ms ` +
        'that the command ended: it may still be running there (a forced command on the host, say, ' +
        'cannot be stopped over SSH). Check on the host, for example with ps, before retrying the step.',
    );
  }

  #lose(reason: string): void {
    this.#lostBecause ??= this.#closed ? 'Handrail closed the session' : reason;
    const error = this.#lostError(true);
    for (const notify of [...this.#running]) notify(error);
  }

  /** During a step the command's fate is unknown: the engine then puts the step in doubt. */
  #lostError(duringStep: boolean): Error {
    const { where } = this.#info;
    const reason = this.#lostBecause ?? 'unknown reason';
    if (!duringStep) {
      return new Error(
        `the SSH connection to ${where} was lost (${reason}); nothing was run. ` +
          'Check that the host is up and reachable, then reconnect and retry the step.',
      );
    }
    return new OutcomeUnknownError(
      `the SSH connection to ${where} was lost while the step was running (${reason}). ` +
        'Its exit status was never received: the command may have finished, may have been stopped, ' +
        'or may not have started. Check on the host before retrying the step.',
    );
  }

  #describe(error: Error & { level?: string; code?: string }): string {
    const { keepaliveIntervalMs, keepaliveCountMax } = this.#info;
    if (error.level === 'client-timeout') {
      return `no answer to ${keepaliveCountMax} keepalives sent every ${keepaliveIntervalMs} ms`;
    }
    if (error.code === 'ECONNRESET') return 'the connection was reset';
    return error.message;
  }
}
