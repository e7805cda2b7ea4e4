import type { StatusLook } from '../lib/status.js';

/** An icon and a word, coloured by tone; the word carries the meaning, not the colour. */
export function StatusBadge({ look, className }: { look: StatusLook; className?: string }) {
  return (
    <span className={`status status-${look.tone}${className ? ` ${className}` : ''}`}>
      <span className="status-icon" aria-hidden="true">
        {look.icon}
      </span>
      <span className="status-label">{look.label}</span>
    </span>
  );
}
