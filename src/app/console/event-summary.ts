// One line per audit event for the run's timeline, in words rather than JSON. Unknown kinds
// still get a line: the kind and the first thing their body says.
import type { ReportEvent } from '../../core/audit/report-model.js';

const MAX = 300;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

export function summarize(e: ReportEvent): string {
  const b = e.body ?? {};
  const step = e.stepIdx === null ? 'the run' : `step ${e.stepIdx + 1}`;
  const why = str(b.reason) ?? str(b.message) ?? str(b.note);
  const suffix = why ? `: ${why}` : '';
  let text: string;
  switch (e.kind) {
    case 'run.started':
      text = `started ${str(b.runbook) ?? 'the runbook'} ${str(b.version) ?? ''} in ${str(b.environment) ?? e.environment ?? '?'}`;
      break;
    case 'run.resumed':
      text = `resumed (it was ${str(b.previous) ?? 'stopped'})`;
      break;
    case 'step.running':
      text = `${step} running${str(b.attempt) ? ` (attempt ${str(b.attempt)})` : ''}`;
      break;
    case 'step.done':
      text = `${step} marked done${suffix}`;
      break;
    case 'step.retried':
      text = `${step} retried after it failed${suffix}`;
      break;
    case 'step.decided': {
      const because = str(b.why) ?? why;
      text = `${step} was in doubt; decided: ${str(b.decision) ?? str(b.action) ?? '?'}${because ? ` (${because})` : ''}`;
      break;
    }
    case 'snapshot.verified':
      text = `snapshot ${str(b.id) ?? ''} of ${str(b.target) ?? e.target ?? '?'} verified: ${bytes(b.bytes)}, sha256 ${(str(b.sha256) ?? '').slice(0, 16)}…`;
      break;
    case 'confirmation':
      text = `${step} confirmed in ${str(b.environment) ?? e.environment ?? '?'} (${str(b.how) ?? 'how not recorded'})`;
      break;
    case 'review':
      text = `reviewed by ${e.operator}${suffix}`;
      break;
    default:
      if (e.kind.startsWith('step.')) text = `${step} ${e.kind.slice('step.'.length)}${suffix}`;
      else if (e.kind.startsWith('run.')) text = `run ${e.kind.slice('run.'.length)}${suffix}`;
      else text = `${e.kind}${e.stepIdx === null ? '' : ` (${step})`}${suffix || firstValue(b)}`;
  }
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX ? `${line.slice(0, MAX - 1)}…` : line;
}

function firstValue(body: Record<string, unknown>): string {
  for (const [key, value] of Object.entries(body)) {
    const s = str(value);
    if (s !== undefined) return `: ${key} ${s}`;
  }
  return '';
}

function bytes(v: unknown): string {
  if (typeof v !== 'number') return '? bytes';
  if (v < 1024) return `${v} bytes`;
  if (v < 1024 ** 2) return `${(v / 1024).toFixed(1)} KiB`;
  if (v < 1024 ** 3) return `${(v / 1024 ** 2).toFixed(1)} MiB`;
  return `${(v / 1024 ** 3).toFixed(2)} GiB`;
}
