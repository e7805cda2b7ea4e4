// "Did you mean …?" for a name the operator or author mistyped: the one place that knows
// fastest-levenshtein.
import { distance } from 'fastest-levenshtein';

/** The candidate nearest to `name`, if it is fewer than `within` edits away. */
export function closest(name: string, candidates: Iterable<string>, within = 3): string | undefined {
  let best: string | undefined;
  let bestDistance = within;
  for (const candidate of candidates) {
    const d = distance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
