// Turns the engine's events into console events: output decoded as UTF-8 per step and
// stream (a character split between two chunks stays whole) and gathered into fewer, larger
// events, so a step printing millions of lines does not flood every open console; snapshot
// progress kept for the run's page; every state change announced as `run-changed`.
import { TextDecoder } from 'node:util';
import type { ConsoleEvent, SnapshotProgress } from '../../contract/api.js';
import type { EngineEvent } from '../run-types.js';
import type { LiveRun } from './live-run.js';

/** Output is sent at least this often while a step prints… */
const FLUSH_MS = 40;
/** …and as soon as this much text has gathered. */
const FLUSH_CHARS = 64 * 1024;

type Stream = 'stdout' | 'stderr';

export class EngineEventRelay {
  private readonly decoders = new Map<string, TextDecoder>();
  private pending: { idx: number; stream: Stream; text: string } | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Per snapshot, the last whole percent sent, so progress events stay few. */
  private readonly percentSent = new Map<string, number>();

  constructor(
    private readonly live: LiveRun,
    private readonly emit: (event: ConsoleEvent) => void,
  ) {}

  handle(event: EngineEvent): void {
    switch (event.type) {
      case 'output':
        this.output(event.idx, event.stream, event.data);
        return;
      case 'snapshot':
        this.snapshot(event);
        return;
      case 'step-ready':
        // The console shows each step from the runbook itself; the state change comes next.
        return;
      case 'step-start':
        this.changed();
        return;
      case 'step-end':
        this.endStep(event.idx);
        this.changed();
        return;
    }
  }

  /** Sends what is gathered, then `run-changed`: a console sees the output before the state that follows it. */
  changed(): void {
    this.flush();
    const runId = this.live.runId;
    if (runId !== undefined) this.emit({ type: 'run-changed', runId });
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const pending = this.pending;
    this.pending = undefined;
    const runId = this.live.runId;
    if (!pending || pending.text === '' || runId === undefined) return;
    this.emit({ type: 'output', runId, idx: pending.idx, stream: pending.stream, text: pending.text });
  }

  private output(idx: number, stream: Stream, data: Uint8Array): void {
    const key = `${idx}/${stream}`;
    let decoder = this.decoders.get(key);
    if (!decoder) {
      decoder = new TextDecoder('utf-8');
      this.decoders.set(key, decoder);
    }
    this.append(idx, stream, decoder.decode(data, { stream: true }));
  }

  private append(idx: number, stream: Stream, text: string): void {
    if (text === '') return;
    // Only consecutive pieces of one stream are joined, so stdout and stderr keep their order.
    if (this.pending && (this.pending.idx !== idx || this.pending.stream !== stream)) this.flush();
    this.pending ??= { idx, stream, text: '' };
    this.pending.text += text;
    if (this.pending.text.length >= FLUSH_CHARS) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  private endStep(idx: number): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const decoder = this.decoders.get(`${idx}/${stream}`);
      if (!decoder) continue;
      this.append(idx, stream, decoder.decode());
      this.decoders.delete(`${idx}/${stream}`);
    }
  }

  private snapshot(event: Extract<EngineEvent, { type: 'snapshot' }>): void {
    const progress: SnapshotProgress = {
      idx: event.idx,
      target: event.target,
      phase: event.phase,
      ...(event.done !== undefined ? { done: event.done } : {}),
      ...(event.total !== undefined ? { total: event.total } : {}),
      ...(event.result ? { bytes: event.result.bytes, sha256: event.result.sha256 } : {}),
    };
    this.live.setProgress(progress);
    const key = `${event.idx}/${event.target}`;
    if (event.phase === 'progress') {
      const percent = event.total ? Math.floor(((event.done ?? 0) / event.total) * 100) : -1;
      if (percent === this.percentSent.get(key)) return;
      this.percentSent.set(key, percent);
    }
    this.emit({ type: 'snapshot', runId: this.live.runId ?? null, progress });
    // The step's state moved (snapshotting, then snapshot-verified): the page reloads it.
    if (event.phase !== 'progress') this.changed();
  }
}
