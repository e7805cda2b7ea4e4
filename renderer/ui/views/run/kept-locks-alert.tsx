// A team lock the run's end or abort could not release stays held for the whole team until a
// lead releases it: said beside the run's outcome, so a "succeeded" is never read as "done".
export function KeptLocksAlert({ notes }: { notes: readonly string[] }) {
  if (notes.length === 0) return null;
  return (
    <div className="alert alert-warn" role="alert">
      <strong>{notes.length === 1 ? 'A team lock of this run was left held in the team ledger.' : 'Team locks of this run were left held in the team ledger.'}</strong>
      <ul>
        {notes.map((note, i) => (
          <li key={i}>{note}</li>
        ))}
      </ul>
    </div>
  );
}
