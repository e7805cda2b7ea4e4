// React access to the transport: the client, pushed events, and a counter that moves
// each time the connection comes back, so views reload what they show after a drop.
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { ConsoleClient, ConsoleEvent } from '../../../src/contract/api.js';
import type { ConnectionState, ConsoleTransport } from './console-transport.js';

const TransportContext = createContext<ConsoleTransport | null>(null);

export function TransportProvider({ transport, children }: { transport: ConsoleTransport; children: ReactNode }) {
  return <TransportContext.Provider value={transport}>{children}</TransportContext.Provider>;
}

function useTransport(): ConsoleTransport {
  const transport = useContext(TransportContext);
  if (!transport) throw new Error('TransportProvider is missing above this component.');
  return transport;
}

export function useClient(): ConsoleClient {
  return useTransport().client;
}

/** Calls `listener` for every pushed event while the component is mounted. */
export function useConsoleEvents(listener: (event: ConsoleEvent) => void): void {
  const transport = useTransport();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => transport.onEvent((event) => latest.current(event)), [transport]);
}

export function useConnection(): { state: ConnectionState; reconnects: number } {
  const transport = useTransport();
  const [state, setState] = useState(transport.connection());
  const [reconnects, setReconnects] = useState(0);
  const previous = useRef(state);
  useEffect(
    () =>
      transport.onConnection((next) => {
        if (next === 'open' && previous.current === 'lost') setReconnects((n) => n + 1);
        previous.current = next;
        setState(next);
      }),
    [transport],
  );
  return { state, reconnects };
}
