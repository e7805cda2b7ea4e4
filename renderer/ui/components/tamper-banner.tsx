// A run whose rows were edited outside Handrail: what was changed, and that what the page
// shows is the audit trail's record, not the edited rows.
import type { RunDetail } from '../../../src/contract/api.js';

export function TamperBanner({ tampering }: { tampering: RunDetail['tampering'] }) {
  if (tampering.length === 0) return null;
  return (
    <div className="tamper-banner" role="alert">
      <strong>The record of this run was edited outside Handrail.</strong> This page shows what the audit trail recorded. Run{' '}
      <code>handrail audit verify</code> and find out who changed the database.
      <ul>
        {tampering.map((t, i) => (
          <li key={i}>{t.message}</li>
        ))}
      </ul>
    </div>
  );
}
