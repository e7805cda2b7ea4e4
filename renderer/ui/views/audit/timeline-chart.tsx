// Step durations on one time axis from the run's start: long steps and gaps (a run left
// waiting for its operator) show at a glance. Plain SVG; the text says the same in words.
import type { RunDetail } from '../../../../src/contract/api.js';
import { formatDuration } from '../../lib/format.js';
import { STEP_STATUS } from '../../lib/status.js';

const WIDTH = 880;
const LABEL = 260;
const ROW = 26;
const RIGHT = 90;

export function TimelineChart({ detail }: { detail: Pick<RunDetail, 'run' | 'steps'> }) {
  const runStart = Date.parse(detail.run.startedAt);
  const ends = detail.steps.map((s) => (s.finishedAt ? Date.parse(s.finishedAt) : s.startedAt ? Date.now() : NaN)).filter((n) => !Number.isNaN(n));
  const runEnd = detail.run.finishedAt ? Date.parse(detail.run.finishedAt) : Math.max(runStart, ...ends);
  const span = Math.max(1, runEnd - runStart);
  const scale = (WIDTH - LABEL - RIGHT) / span;
  const height = detail.steps.length * ROW + 24;
  const summary = detail.steps
    .map((s) => {
      if (!s.startedAt) return `${s.idx + 1}. ${s.title}: did not run`;
      const end = s.finishedAt ? Date.parse(s.finishedAt) : Date.now();
      return `${s.idx + 1}. ${s.title}: ${formatDuration(end - Date.parse(s.startedAt))}`;
    })
    .join('; ');

  return (
    <figure className="timeline">
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={`Step durations. ${summary}`} className="timeline-svg">
        <line x1={LABEL} x2={LABEL} y1={0} y2={height - 20} className="timeline-axis" />
        {detail.steps.map((step, row) => {
          const y = row * ROW + 4;
          const label = `${step.idx + 1}. ${step.title}`;
          const look = STEP_STATUS[step.status];
          if (!step.startedAt) {
            return (
              <g key={step.idx}>
                <text x={LABEL - 8} y={y + 15} textAnchor="end" className="timeline-label">
                  {truncate(label)}
                </text>
                <text x={LABEL + 6} y={y + 15} className="timeline-note">
                  {look.icon} {look.label.toLowerCase()}
                </text>
              </g>
            );
          }
          const start = Date.parse(step.startedAt) - runStart;
          const end = (step.finishedAt ? Date.parse(step.finishedAt) : Date.now()) - runStart;
          const x = LABEL + Math.max(0, start) * scale;
          const w = Math.max(2, (end - start) * scale);
          return (
            <g key={step.idx}>
              <title>{`${label}: ${look.label}, ${formatDuration(end - start)}`}</title>
              <text x={LABEL - 8} y={y + 15} textAnchor="end" className="timeline-label">
                {truncate(label)}
              </text>
              <rect x={x} y={y + 3} width={w} height={ROW - 10} rx={3} className={`timeline-bar tone-${look.tone}`} />
              <text x={Math.min(x + w + 6, WIDTH - RIGHT + 6)} y={y + 15} className="timeline-note">
                {look.icon} {formatDuration(end - start)}
              </text>
            </g>
          );
        })}
        <text x={LABEL} y={height - 6} className="timeline-note">
          0
        </text>
        <text x={WIDTH - RIGHT} y={height - 6} textAnchor="end" className="timeline-note">
          {formatDuration(span)}
        </text>
      </svg>
    </figure>
  );
}

function truncate(text: string): string {
  return text.length > 34 ? `${text.slice(0, 33)}…` : text;
}
