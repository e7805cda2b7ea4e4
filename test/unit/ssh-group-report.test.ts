// The wrapper's report of an SSH step's process group is read out of stdout: whatever a login
// shell printed before it passes through as output, the first report is taken, and nothing
// the step prints afterwards (a line that looks the same) can take its place.
import { describe, expect, it } from 'vitest';
import { GroupReportReader } from '../../src/targets/ssh/group-report.js';

const BOOT = '0f9c4c1e-2d7a-4b5e-9a43-1a2b3c4d5e6f';

/** Feeds the chunks; returns the output as text and the report. */
function read(chunks: string[]): { output: string; report: ReturnType<GroupReportReader['push']>['report'] } {
  const reader = new GroupReportReader();
  let output = '';
  for (const chunk of chunks) {
    for (const part of reader.push(Buffer.from(chunk)).output) output += part.toString();
  }
  for (const part of reader.flush()) output += part.toString();
  return { output, report: reader.report };
}

describe('GroupReportReader', () => {
  it('takes the report out, even split across chunks, and passes the rest on', () => {
    const { output, report } = read(['motd line\nhandrail-st', `ep-group 4242 98765 ${BOOT}`, '\nstep output\n']);
    expect(report).toEqual({ group: 4242, startTicks: 98765, bootId: BOOT });
    expect(output).toBe('motd line\nstep output\n');
  });

  it('reads a host without /proc: the pid stands in, ticks and boot id unknown', () => {
    expect(read(['handrail-step-group 77 - -\n']).report).toEqual({ group: 77, startTicks: null, bootId: null });
  });

  it('takes only the first report: the step cannot replace it with one of its own', () => {
    const { output, report } = read([`handrail-step-group 10 20 ${BOOT}\nhandrail-step-group 1 2 ${BOOT}\n`]);
    expect(report?.group).toBe(10);
    expect(output).toBe(`handrail-step-group 1 2 ${BOOT}\n`);
  });

  it('passes a line that only looks like a report through as output', () => {
    const { output, report } = read(['handrail-step-group 0 x y\n', 'handrail-step-groupies\n', 'partial']);
    expect(report).toBeUndefined();
    expect(output).toBe('handrail-step-group 0 x y\nhandrail-step-groupies\npartial');
  });
});
