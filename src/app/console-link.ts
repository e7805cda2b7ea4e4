// Console links (`handrail link`, `handrail open`): the run set-up URL an alert carries, and
// that URL made to sign a browser in. The console listens on loopback, so a link works on
// the machine whose console it names: the on-call's own.
import { UserError } from './errors.js';

export const LINK_HOST = '127.0.0.1';

/** A Prometheus (Go text/template) expression, kept as a template so the alert fills it in. */
const TEMPLATE = /^\{\{(.*)\}\}$/s;

export interface LinkRequest {
  runbook: string;
  environment: string;
  inputs: Record<string, string>;
  incident?: string | undefined;
  port: number;
}

/**
 * `http://127.0.0.1:PORT/run/RUNBOOK?env=ENV&input.NAME=VALUE&incident=ID`. A value that is a
 * whole `{{ … }}` template is written as it is, piped through `urlquery`, so Prometheus puts
 * the label's value in encoded (a label holding `&` or `#` cannot add or cut a parameter);
 * every other value is percent-encoded here.
 */
export function alertLink(request: LinkRequest): string {
  const parts = [`env=${encodeValue(request.environment)}`];
  for (const [name, value] of Object.entries(request.inputs)) parts.push(`input.${encodeURIComponent(name)}=${encodeValue(value)}`);
  if (request.incident !== undefined) parts.push(`incident=${encodeValue(request.incident)}`);
  return `http://${LINK_HOST}:${request.port}/run/${encodeURIComponent(request.runbook)}?${parts.join('&')}`;
}

function encodeValue(value: string): string {
  const template = TEMPLATE.exec(value.trim());
  const expression = (template?.[1] ?? '').trim();
  // One action only: `{{ a }}x{{ b }}` would leave `a` unencoded in the link.
  if (!template || expression.includes('{{') || expression.includes('}}')) return encodeURIComponent(value);
  return /\|\s*urlquery\s*$/.test(expression) ? `{{ ${expression} }}` : `{{ ${expression} | urlquery }}`;
}

/** A console link (the path and query of `link`) that also signs in: the console's token added. */
export function linkWithToken(consoleUrl: string, link: string): string {
  const base = new URL(consoleUrl);
  const target = new URL(link, base.origin);
  const token = base.searchParams.get('token');
  if (token !== null) target.searchParams.set('token', token);
  return `${base.origin}${target.pathname}${target.search}`;
}

/** The path and query of a link given to `handrail open`, checked to be a console link on this machine. */
export function parseOpenLink(link: string): { port: number; pathAndQuery: string } {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new UserError(`'${link.slice(0, 200)}' is not a URL; give the whole link (http://127.0.0.1:PORT/run/RUNBOOK?…), quoted in the shell; nothing was opened`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (url.protocol !== 'http:' || !(host === 'localhost' || host === '::1' || /^127\./.test(host))) {
    throw new UserError(`${url.origin} is not a Handrail console on this machine (consoles listen on http://127.0.0.1 only); nothing was opened`);
  }
  url.searchParams.delete('token');
  const port = url.port === '' ? 80 : Number(url.port);
  return { port, pathAndQuery: `${url.pathname}${url.search}` };
}
