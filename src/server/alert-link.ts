// Alert links: `/run/RUNBOOK?env=ENV&input.NAME=VALUE&incident=ID`, the URL a Prometheus rule's
// `runbook_url` annotation carries. Signed in, the link is sent on to the run set-up screen
// (`/#/runbooks/RUNBOOK?…`), which fills the form in and starts nothing. Not signed in, it
// gets a sign-in page that keeps the link's values: the token typed there is sent back with
// them, traded for the session cookie, and the browser lands on the same set-up screen.
//
// The session cookie is SameSite=Strict, so a browser does not send it when the link is
// followed from another site (the alert in a chat or in Alertmanager). Such a request is
// answered with a page that loads the same address again: that second request comes from
// the console's own page, so the cookie is sent and a signed-in operator goes straight on.
import type { IncomingMessage } from 'node:http';

const LINK_PATH = /^\/run\/([^/]+)\/?$/;
/** Marks the reload above, so a browser that still sends no cookie gets the sign-in form, not a loop. */
export const RELOADED = 'handrail-reloaded';

/** The runbook an alert link names, or undefined when the path is not one. */
export function alertLinkRunbook(url: URL): string | undefined {
  const match = LINK_PATH.exec(url.pathname);
  if (!match?.[1]) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
}

/** Where a signed-in browser goes: the set-up screen, with the link's values and nothing else of ours. */
export function setupLocation(runbook: string, url: URL): string {
  const params = new URLSearchParams(url.search);
  params.delete(RELOADED);
  params.delete('token');
  const query = params.toString();
  return `/#/runbooks/${encodeURIComponent(runbook)}${query ? `?${query}` : ''}`;
}

/** Followed from another site: the cookie, if the browser has one, was held back. */
export function crossSite(request: IncomingMessage, url: URL): boolean {
  return request.headers['sec-fetch-site'] === 'cross-site' && !url.searchParams.has(RELOADED);
}

/** Loads the same link again from the console's own page (see the top of this file). */
export function reloadPage(url: URL): string {
  const params = new URLSearchParams(url.search);
  params.set(RELOADED, '1');
  const again = `${url.pathname}?${params.toString()}`;
  return page('Opening the Handrail console…', `<meta http-equiv="refresh" content="0;url=${attr(again)}">`,
    `<p>Opening the run set-up… If nothing happens, <a href="${attr(again)}">continue</a>.</p>`);
}

/**
 * The sign-in form for an alert link: its values ride along as hidden fields (escaped, never
 * markup), the token field is a password field, and the form goes back to the same address.
 */
export function signInPage(runbook: string, url: URL): string {
  // A token was sent and refused: the form came back, so say why (a console's token is new at every start).
  const refused = url.searchParams.has('token')
    ? '<p role="alert"><strong>That is not this console’s token.</strong> It changes each time <code>handrail serve</code> starts: use the URL it printed this time.</p>'
    : '';
  const hidden = [...url.searchParams]
    .filter(([key]) => key !== 'token' && key !== RELOADED)
    .map(([key, value]) => `<input type="hidden" name="${attr(key)}" value="${attr(value)}">`)
    .join('');
  const body = `
<main>
<h1>Sign in to open this run set-up</h1>
${refused}<p>This link opens the set-up of the runbook <code>${text(shorten(runbook))}</code> in the Handrail console, with the values the alert gave filled in. Nothing runs until you press Start there.</p>
<p>The console needs its token first: paste the URL <code>handrail serve</code> printed when it started (or only the part after <code>?token=</code>). In a terminal, <code>handrail open 'LINK'</code> signs you in by itself.</p>
<form method="get" action="${attr(url.pathname)}">
${hidden}
<label for="token">Console URL or token</label>
<input id="token" name="token" type="password" autocomplete="off" required autofocus>
<button type="submit">Sign in and open the set-up</button>
</form>
</main>`;
  return page('Sign in — Handrail console', '', body);
}

function page(title: string, head: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${head}<title>${text(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}code{overflow-wrap:anywhere}label{display:block;font-weight:600;margin-top:1rem}input{width:100%;padding:.4rem;font:inherit}button{margin-top:1rem;padding:.4rem 1rem;font:inherit}</style>
</head><body>${body}</body></html>
`;
}

function shorten(value: string): string {
  return value.length > 120 ? `${value.slice(0, 120)}…` : value;
}

function text(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * What an operator pastes in the sign-in form: the token, or the whole URL `handrail serve`
 * printed (the token is then its `token` parameter).
 */
export function tokenOf(offered: string): string {
  const trimmed = offered.trim();
  if (!/^https?:\/\//i.test(trimmed)) return trimmed;
  try {
    return new URL(trimmed).searchParams.get('token') ?? trimmed;
  } catch {
    return trimmed;
  }
}
