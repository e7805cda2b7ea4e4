// Which Host and Origin headers the console answers. Checking Host defeats DNS rebinding (a
// page on evil.example whose name is re-pointed at 127.0.0.1 reaches us with
// `Host: evil.example:PORT`); checking Origin stops another page in the same browser from
// driving the console, even if it guessed the port.
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import type { IncomingMessage } from 'node:http';

/** 127.0.0.0/8, ::1 and `localhost`: reachable from this machine only. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

export function isWildcard(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return bare === '0.0.0.0' || bare === '::';
}

/** An address as it appears in a URL or a Host header: IPv6 in brackets. */
export function urlHostOf(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address;
}

/**
 * Every `host:port` a browser may put in the Host header. Loopback names always; the
 * operator's own --host; for a wildcard bind, this machine's name and addresses, since
 * that is how other machines will address it.
 */
export function allowedHosts(bindHost: string, port: number): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
  if (isWildcard(bindHost)) {
    names.add(hostname().toLowerCase());
    for (const list of Object.values(networkInterfaces())) {
      // Link-local IPv6 addresses need a zone (fe80::1%eth0), which no browser sends in Host.
      for (const entry of list ?? []) if (!entry.address.includes('%')) names.add(urlHostOf(entry.address).toLowerCase());
    }
  } else {
    names.add(urlHostOf(bindHost.replace(/^\[(.*)\]$/, '$1')).toLowerCase());
  }
  const allowed = new Set<string>();
  for (const name of names) {
    allowed.add(`${name}:${port}`);
    // Browsers leave out the default port.
    if (port === 80) allowed.add(name);
  }
  return allowed;
}

/**
 * Why the request must be refused (403), or null when Host and Origin are both ours.
 * Origin is optional (scripts and some same-origin GETs omit it); when present it must
 * name exactly the host the request was sent to.
 */
export function refusedHostOrOrigin(request: IncomingMessage, allowed: ReadonlySet<string>): string | null {
  const host = request.headers.host?.toLowerCase();
  if (host === undefined || !allowed.has(host)) {
    return `this console answers only to ${[...allowed].slice(0, 3).join(', ')}${allowed.size > 3 ? ', …' : ''}, not to Host "${host ?? '(none)'}"`;
  }
  const origin = request.headers.origin;
  if (origin !== undefined && origin.toLowerCase() !== `http://${host}`) {
    return `requests from another origin ("${origin}") are refused; open the console at http://${host}/ instead`;
  }
  return null;
}
