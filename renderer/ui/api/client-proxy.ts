// A ConsoleClient without the list of operations: that list is built from the contract's
// zod schemas, which the first screen does not load (contract-schemas.ts). Each operation's
// function is made once, so a view may keep it in a hook's dependencies. The compiler still
// checks every call against ConsoleClient; the server refuses a name it does not know.
import type { ApiName, ConsoleClient } from '../../../src/contract/api.js';

export function clientOf(call: (op: ApiName, request: unknown) => Promise<unknown>): ConsoleClient {
  const made = new Map<string, (request: unknown) => Promise<unknown>>();
  return new Proxy({} as ConsoleClient, {
    get(_target, name) {
      // Not an operation: symbols, and `then` (so the client is never taken for a promise).
      if (typeof name !== 'string' || name === 'then') return undefined;
      let fn = made.get(name);
      if (!fn) {
        fn = (request) => call(name as ApiName, request);
        made.set(name, fn);
      }
      return fn;
    },
  });
}
