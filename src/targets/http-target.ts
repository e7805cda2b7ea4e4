// The HTTP executor: Node's own fetch, no client library. A runbook's http step is a check
// or a call the operator would otherwise make with curl, so it sees what curl would see:
// redirects are not followed, and the body streams out as it arrives.
import type { HttpExecutor, HttpRequest, HttpResult } from '../core/engine/ports.js';

/** Failures before the request left this machine: the server cannot have acted on it. */
const NOT_SENT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved (DNS did not answer)',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'the network is unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'the connection attempt timed out',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain includes a self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate could not be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is not valid for this host name',
};

export function createHttpExecutor(): HttpExecutor {
  return { run };
}

async function run(request: HttpRequest): Promise<HttpResult> {
  const startedAt = performance.now();
  const method = request.method.toUpperCase();
  // Only the origin in messages: a path or query may carry a token, and userinfo a password.
  const origin = originOf(request.url);
  if (origin === undefined) throw new Error(`The step's URL is not a valid absolute URL; nothing was sent.`);
  if (request.signal.aborted) throw new Error(`The step was aborted before it started; nothing was sent to ${origin}.`);
  if ((method === 'GET' || method === 'HEAD') && request.body !== '') {
    throw new Error(`A ${method} request cannot carry a body, and this step has one; nothing was sent to ${origin}. Use POST or PUT, or remove the body.`);
  }

  const timeout = request.timeoutMs === undefined ? undefined : AbortSignal.timeout(request.timeoutMs);
  const signal = timeout ? AbortSignal.any([request.signal, timeout]) : request.signal;
  // Which of the two fired: AbortSignal.any says only that one did.
  const stopped = (waiting: string): string | undefined =>
    request.signal.aborted
      ? `The step was aborted by the operator while ${waiting}`
      : timeout?.aborted
        ? `The step's ${request.timeoutMs} ms timeout ran out while ${waiting}`
        : undefined;

  let response: Response;
  try {
    response = await fetch(request.url, {
      method,
      headers: request.headers,
      ...(method === 'GET' || method === 'HEAD' ? {} : { body: request.body }),
      redirect: 'manual',
      signal,
    });
  } catch (error) {
    const why = stopped(`waiting for ${origin} to answer`);
    if (why) throw new Error(`${why}; the request was abandoned, and the server may still have received and acted on it.`, { cause: error });
    throw new Error(describeFetchError(error, method, origin), { cause: error });
  }

  // Each chunk is handed on and dropped: a large body never sits whole in memory.
  const reader = response.body?.getReader();
  try {
    while (reader) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        const during = `the body of ${origin}'s ${response.status} answer was arriving`;
        const why = stopped(during);
        if (why) throw new Error(`${why}; the server had received the request.`, { cause: error });
        throw new Error(`${method} ${origin} failed while ${during}: ${causeText(error)}; the server had received the request.`, { cause: error });
      }
      if (chunk.done) break;
      // Its errors (output that cannot be recorded) propagate as they are; finally stops the download.
      request.onOutput('stdout', chunk.value);
    }
  } finally {
    await reader?.cancel().catch(() => undefined);
  }
  return { status: response.status, durationMs: Math.round(performance.now() - startedAt) };
}

function describeFetchError(error: unknown, method: string, origin: string): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  const notSent = cause?.code ? NOT_SENT[cause.code] : undefined;
  if (notSent) return `Could not reach ${origin}: ${notSent}; nothing was sent, so nothing was changed.`;
  if (error instanceof TypeError && cause === undefined) {
    // fetch checks the request before sending it: a bad header or method. undici quotes a
    // bad header's value, which may be a token, so that message is not repeated.
    const what = /invalid header value/.test(error.message) ? 'a header value contains a character HTTP forbids, such as a line break' : error.message;
    return `The ${method} request to ${origin} is not valid (${what}); nothing was sent.`;
  }
  // The connection broke after the request may have gone out (reset, closed socket).
  return `${method} ${origin} failed: ${causeText(error)}. The request may have reached the server: check before retrying.`;
}

function causeText(error: unknown): string {
  const e = error as { message?: string; cause?: { message?: string; code?: string } };
  const inner = e.cause?.message ?? e.message ?? String(error);
  return e.cause?.code && !inner.includes(e.cause.code) ? `${inner} (${e.cause.code})` : inner;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
