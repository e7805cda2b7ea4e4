// Shown on every screen of a run in a protected environment, so nobody mistakes
// production for practice.
export function ProtectedBanner({ environment }: { environment: string }) {
  return (
    <div className="protected-banner" role="region" aria-label={`Protected environment ${environment}`}>
      <span className="protected-icon" aria-hidden="true">
        ⚠
      </span>
      <span>
        Protected environment: <strong className="protected-name">{environment}</strong> — every change asks for its name to be
        typed.
      </span>
    </div>
  );
}
