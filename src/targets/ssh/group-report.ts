// Reading the wrapper's group report (remote-command.ts) out of a step's stdout. Whatever the
// login shell printed before it (a chatty .bashrc) is passed on as output; the first report
// line is taken out; everything after it is the step's own output, passed on untouched, so
// a step that prints a line like it later changes nothing.
import { GROUP_REPORT_MARKER } from './remote-command.js';

/** The step's remote process group, as the wrapper saw it before the step started. */
export interface GroupReport {
  /** The process group sshd made for the session; the wrapper's pid where there is no /proc. */
  group: number;
  /** The group leader's start time (clock ticks since boot); null where there is no /proc. */
  startTicks: number | null;
  /** /proc/sys/kernel/random/boot_id: a restart of the host ends every group it had. */
  bootId: string | null;
}

const PREFIX = Buffer.from(`${GROUP_REPORT_MARKER} `);
const LINE = new RegExp(`^${GROUP_REPORT_MARKER} ([1-9][0-9]*) (-|[0-9]+) (-|[0-9a-f-]{1,64})$`);
const NEWLINE = 0x0a;

export class GroupReportReader {
  #pending: Buffer = Buffer.alloc(0);
  #report: GroupReport | undefined;

  /** The report, once its line was read. */
  get report(): GroupReport | undefined {
    return this.#report;
  }

  /** Splits a chunk of stdout: `output` goes on to the step's output; `report` is set once, when the line is complete. */
  push(chunk: Buffer): { output: Buffer[]; report?: GroupReport } {
    if (this.#report !== undefined) return { output: [chunk] };
    const output: Buffer[] = [];
    let data = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    for (let nl = data.indexOf(NEWLINE); nl !== -1; nl = data.indexOf(NEWLINE)) {
      const line = data.subarray(0, nl);
      const parsed = line.subarray(0, PREFIX.length).equals(PREFIX) ? LINE.exec(line.toString('latin1')) : null;
      data = data.subarray(nl + 1);
      if (parsed === null) {
        output.push(line, Buffer.from('\n'));
        continue;
      }
      this.#report = {
        group: Number(parsed[1]),
        startTicks: parsed[2] === '-' ? null : Number(parsed[2]),
        bootId: parsed[3] === '-' ? null : (parsed[3] ?? null),
      };
      this.#pending = Buffer.alloc(0);
      if (data.length > 0) output.push(data);
      return { output, report: this.#report };
    }
    // A partial line is held back only while it could still become the report.
    const mayBeReport = data.length <= PREFIX.length ? PREFIX.subarray(0, data.length).equals(data) : data.subarray(0, PREFIX.length).equals(PREFIX);
    if (mayBeReport && data.length < 256) {
      this.#pending = Buffer.from(data);
    } else {
      if (data.length > 0) output.push(data);
      this.#pending = Buffer.alloc(0);
    }
    return { output };
  }

  /** What is still held back, for a channel that closed before the report arrived. */
  flush(): Buffer[] {
    const rest = this.#pending;
    this.#pending = Buffer.alloc(0);
    return rest.length > 0 ? [rest] : [];
  }
}
