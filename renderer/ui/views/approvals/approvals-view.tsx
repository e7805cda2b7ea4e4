// The approval requests waiting in the team ledger, and one opened to be read and signed.
// Show before you ask: the Approve button stays disabled until the end of the plan's text has
// been on screen, and the server signs only the plan id this screen showed.
import { useClient, useConnection } from '../../api/api-context.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { PageHeading } from '../../components/page-heading.js';
import { href } from '../../lib/routes.js';
import { useLoad } from '../../lib/use-load.js';
import { RequestToRead } from './request-to-read.js';
import './approvals.css';

export function ApprovalsView({ requestId }: { requestId?: string | undefined }) {
  const client = useClient();
  const { reconnects } = useConnection();
  const list = useLoad(() => client.listApprovalRequests({}), [reconnects], { primary: true });
  const requests = list.data?.requests ?? [];
  return (
    <section className="view">
      <PageHeading>Approvals</PageHeading>
      <p className="muted">
        Plans operators posted to the team ledger for a second person to read and sign (<code>handrail plan … --request-approval</code>). Your signature is checked at the run
        exactly as a PLAN.sig file is.
      </p>
      <ErrorAlert error={list.error} title="The approval requests could not be listed." />
      {list.data && requests.length === 0 ? <p className="empty">No approval request is waiting.</p> : null}
      {requests.length > 0 ? (
        <table className="table compact" aria-label="Approval requests waiting, newest first">
          <thead>
            <tr>
              <th scope="col">Request</th>
              <th scope="col">Runbook</th>
              <th scope="col">Environment</th>
              <th scope="col">Operator</th>
              <th scope="col">Machine</th>
              <th scope="col">Requested</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {requests.map((r) => (
              <tr key={r.requestId} aria-current={r.requestId === requestId ? 'true' : undefined}>
                <td>
                  <a href={href.approval(r.requestId)} aria-label={`Read request ${r.requestId}: ${r.runbook} in ${r.environment} by ${r.operator}`}>
                    <code>{r.requestId.slice(0, 8)}</code>
                  </a>
                </td>
                <td>{r.runbook}</td>
                <td>{r.environment}</td>
                <td>{r.operator}</td>
                <td>{r.machine}</td>
                <td>
                  <time dateTime={r.requestedAt}>{new Date(r.requestedAt).toLocaleString()}</time>
                </td>
                <td>
                  {r.note ?? ''}
                  {r.unverified ? <span className="warn approval-unverified">{r.unverified}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {requestId ? (
        <RequestToRead
          key={requestId}
          requestId={requestId}
          onApproved={() => list.reload()}
        />
      ) : null}
    </section>
  );
}
