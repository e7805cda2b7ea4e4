/** A labelled progress bar; without `total` it shows that work is under way, not how much. */
export function ProgressBar({ label, done, total }: { label: string; done?: number | undefined; total?: number | undefined }) {
  const known = total !== undefined && total > 0 && done !== undefined;
  const percent = known ? Math.min(100, Math.round((done / total) * 100)) : undefined;
  return (
    <div className="progress">
      <div className="progress-label">
        {label}
        {percent !== undefined ? ` — ${percent}%` : ''}
      </div>
      <progress aria-label={label} max={known ? total : undefined} value={known ? done : undefined} />
    </div>
  );
}
