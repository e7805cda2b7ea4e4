import { useConnection } from '../api/api-context.js';

/** A calm line while the socket to Handrail is down; runs on the server go on meanwhile. */
export function ConnectionBanner() {
  const { state } = useConnection();
  if (state !== 'lost') return null;
  return (
    <div className="connection-banner" role="status">
      Connection to Handrail lost — reconnecting… Runs under way keep their state on the server, and this page catches up when the connection is
      back. If <code>handrail serve</code> was restarted, open the new URL it printed.
    </div>
  );
}
