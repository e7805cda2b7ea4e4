// The console's secret, Jupyter's way: a random token printed in the first URL, traded once
// for an HttpOnly SameSite=Strict cookie, so page scripts cannot read it and other sites
// cannot send it. Scripts may present the token as `Authorization: Bearer TOKEN` instead.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export class ConsoleToken {
  /** Printed in the URL; new at every start, so an old URL or cookie stops working. */
  readonly value = randomBytes(32).toString('base64url');
  /**
   * What the cookie holds: a second secret, so the string that sits in terminal scrollback
   * and the one the browser keeps are not the same.
   */
  private readonly session = randomBytes(32).toString('base64url');
  /** Cookies ignore ports: without the port in the name, two consoles on one host would overwrite each other's cookie. */
  readonly cookieName: string;

  constructor(port: number) {
    this.cookieName = `handrail-session-${port}`;
  }

  /** Constant time: hashing first makes both sides the same length, so no early exit leaks a prefix. */
  matchesToken(candidate: string | undefined | null): boolean {
    return candidate != null && sameSecret(candidate, this.value);
  }

  /** The Set-Cookie header for a browser that presented the token. */
  sessionCookie(): string {
    // No Max-Age: a session cookie, and useless after this server stops anyway.
    return `${this.cookieName}=${this.session}; HttpOnly; SameSite=Strict; Path=/`;
  }

  /** Signed in: the session cookie, or the token as a bearer credential. */
  admits(request: IncomingMessage): boolean {
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
      if (this.matchesToken(bearer)) return true;
    }
    return cookieValues(request.headers.cookie, this.cookieName).some((value) => sameSecret(value, this.session));
  }
}

function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** Every value sent for `name` (a browser may send several cookies of one name). */
function cookieValues(header: string | undefined, name: string): string[] {
  if (header === undefined) return [];
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) values.push(pair.slice(eq + 1).trim());
  }
  return values;
}
