// The browser console as a program of its own: `node dist/server/main.js [--host H]
// [--port N] [--open]`, with the settings in HANDRAIL_* variables. `handrail serve` runs the
// same console inside its own process (src/server/console-main.ts).
import { runConsole } from './console-main.js';

process.exitCode = await runConsole(process.argv.slice(2));
