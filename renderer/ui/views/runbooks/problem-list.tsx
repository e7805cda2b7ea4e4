import type { Problem } from '../../../../src/contract/problem.js';

/** Validation problems as `path:line:col: message`, the form editors and the CLI use. */
export function ProblemList({ problems }: { problems: readonly Problem[] }) {
  return (
    <ul className="problems">
      {problems.map((p, i) => (
        <li key={i} className={p.severity === 'error' ? 'problem problem-error' : 'problem problem-warning'}>
          <span className="problem-severity">{p.severity === 'error' ? '✗ error' : '! warning'}</span>{' '}
          <code>
            {p.path}:{p.line}:{p.col}
          </code>
          : {p.message}
        </li>
      ))}
    </ul>
  );
}
