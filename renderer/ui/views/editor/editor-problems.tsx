// The validator's problems under the editor, each line exactly as `handrail validate`
// prints it; choosing one puts the cursor there.
import type { Problem } from '../../../../src/contract/problem.js';
import { problemCount, problemLine } from './problem-text.js';

export function EditorProblems({
  problems,
  checking,
  onPick,
}: {
  problems: readonly Problem[] | undefined;
  /** The shown problems are for an older text; a check of the current one is under way. */
  checking: boolean;
  onPick: (p: Problem) => void;
}) {
  const errors = problems?.filter((p) => p.severity === 'error').length ?? 0;
  const summary = problems === undefined ? 'Checking…' : checking ? `Checking… (last check: ${problemCount(problems)})` : problemCount(problems);
  return (
    <section className="panel editor-problems" aria-label="Problems">
      <h2>
        Problems{' '}
        <span role="status" className={`status ${problems === undefined || checking ? 'status-neutral' : errors > 0 ? 'status-bad' : problems.length > 0 ? 'status-warn' : 'status-ok'}`}>
          {summary}
        </span>
      </h2>
      {problems && problems.length > 0 ? (
        <ul className="problems editor-problem-list">
          {problems.map((p, i) => (
            <li key={`${i}:${problemLine(p)}`} className={p.severity === 'error' ? 'problem problem-error' : 'problem problem-warning'}>
              <button type="button" className="link-button problem-line" onClick={() => onPick(p)}>
                <code>{problemLine(p)}</code>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
