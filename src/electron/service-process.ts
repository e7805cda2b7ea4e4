// The desktop app's service process: an Electron utilityProcess that runs the
// ConsoleService, so runs, snapshots and long database work never block the window (the
// renderer) or main's event loop (which carries every IPC call). Main parses each request
// with its schema before it gets here; this side calls the service and answers with an
// envelope, never a thrown error. Under plain Node (child_process.fork, as the tests run
// it) it speaks the same messages over Node's IPC channel.
import { API_NAMES, type ApiName } from '../contract/api.js';
import { ConsoleService } from '../app/console/console-service.js';
import { UserError } from '../app/errors.js';
import { resolveSettings } from '../app/settings.js';
import { toApiError } from '../app/console/api-error.js';
import type { ApiEnvelope, FromService, ToService } from './service-messages.js';

interface Channel {
  send(message: FromService): void;
  onMessage(listener: (message: ToService) => void): void;
}

interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

function openChannel(): Channel {
  const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
  if (parentPort) {
    return { send: (message) => parentPort.postMessage(message), onMessage: (listener) => parentPort.on('message', (event) => listener(event.data as ToService)) };
  }
  const send = process.send?.bind(process);
  if (send) {
    // The parent went away without saying close: nothing is left to answer to.
    process.once('disconnect', () => void shutDown(0));
    return { send: (message) => send(message), onMessage: (listener) => process.on('message', (message) => listener(message as ToService)) };
  }
  process.stderr.write('handrail: service-process.js is started by the desktop app (utilityProcess) or a test (fork), not by hand.\n');
  process.exit(2);
}

let service: ConsoleService | undefined;
let startFailure: unknown;
try {
  // HANDRAIL_DATA_DIR / HANDRAIL_WORKSPACE / HANDRAIL_OPERATOR come from main's
  // environment, as for the CLI; HANDRAIL_SQLITE_BINDING points the store at the Electron
  // build of better-sqlite3 (src/store/open-database.ts).
  service = new ConsoleService(resolveSettings({}), 'desktop app');
} catch (error) {
  // Kept, not fatal: every call answers with it, so the window can say why nothing works.
  startFailure = error;
}

const channel = openChannel();
service?.subscribe((event) => channel.send({ type: 'event', event }));

channel.onMessage((message) => {
  if (message.type === 'close') {
    void shutDown(0);
    return;
  }
  void call(message.operation, message.request).then((envelope) => channel.send({ type: 'reply', id: message.id, envelope }));
});

async function call(operation: ApiName, request: unknown): Promise<ApiEnvelope> {
  if (!service) {
    const why = toApiError(startFailure, operation);
    return { error: { code: 'failed', message: `Handrail's service could not start, so '${operation}' did not run: ${why.message}` } };
  }
  if (!API_NAMES.includes(operation)) return { error: { code: 'invalid', message: `'${String(operation)}' is not a Handrail operation. Nothing was run.` } };
  try {
    const method = service[operation] as (request: unknown) => Promise<unknown>;
    return { ok: await method.call(service, request) };
  } catch (error) {
    // Refusals are the operator's to read in the window; anything else is a bug worth a line on stderr.
    if (!(error instanceof UserError)) process.stderr.write(`handrail: ${operation} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return { error: toApiError(error, operation) };
  }
}

let closing: Promise<void> | undefined;
function shutDown(code: number): Promise<void> {
  closing ??= (async () => {
    try {
      // Live runs become interrupted (resumable), and the database is closed cleanly.
      await service?.close();
    } catch (error) {
      process.stderr.write(`handrail: closing the service failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    try {
      channel.send({ type: 'closed' });
    } catch {
      // The parent is already gone.
    }
    process.exit(code);
  })();
  return closing;
}
