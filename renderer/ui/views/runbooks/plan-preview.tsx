// The plan of the run about to be started, resolved for the environment and inputs chosen:
// the same text `handrail plan` prints and an approver signs, so what the operator reads
// before Start is exactly what would run. Fetched again when a choice changes.
import { useClient } from '../../api/api-context.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { useDebounced } from '../../lib/use-debounced.js';
import { useLoad } from '../../lib/use-load.js';

export function PlanPreview({ runbook, environment, inputs }: { runbook: string; environment: string; inputs: Record<string, string> }) {
  const client = useClient();
  // One request per pause in typing, not one per key.
  const settled = useDebounced(JSON.stringify(inputs), 300);
  const plan = useLoad(() => client.planRun({ runbook, environment, inputs: JSON.parse(settled) as Record<string, string> }), [runbook, environment, settled]);
  return (
    <section aria-label="Plan">
      <h2>Plan</h2>
      <ErrorAlert error={plan.error} title="Handrail would refuse this run:" />
      {plan.data && !plan.error ? (
        <>
          <p className="command-caption">
            Every step resolved in {environment}; nothing has run. Plan id <code>{plan.data.id.slice(0, 16)}</code> (the same as <code>handrail plan</code> prints).
          </p>
          <pre className="command plan-text" role="region" tabIndex={0} aria-label="Plan text">
            <code>{plan.data.text}</code>
          </pre>
        </>
      ) : null}
      {plan.loading && !plan.data ? <p className="hint">Resolving the plan…</p> : null}
    </section>
  );
}
