// A team lock the run's end or abort could not release stays held for the whole team until a
// lead releases it: said beside the run's outcome, so a "succeeded" is never read as "done".
// While a resume under another ledger login goes on, the lock it will leave is said already.
export function KeptLocksAlert({ kept, inherited }: { kept: readonly string[]; inherited: readonly string[] }) {
  const notes = kept.length > 0 ? kept : inherited;
  if (notes.length === 0) return null;
  const title =
    kept.length > 0
      ? `${notes.length === 1 ? 'A team lock of this run was' : 'Team locks of this run were'} left held in the team ledger.`
      : `This run holds ${notes.length === 1 ? 'a team lock' : 'team locks'} that its end will not be able to release.`;
  return (
    <div className="alert alert-warn" role="alert">
      <strong>{title}</strong>
      <ul>
        {notes.map((note, i) => (
          <li key={i}>{note}</li>
        ))}
      </ul>
    </div>
  );
}
