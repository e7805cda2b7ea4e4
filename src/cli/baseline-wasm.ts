// `handrail run` and `resume` are one short process each. V8 optimises hot WebAssembly a second
// time in the background (TurboFan, after the baseline Liftoff code): for the shell parsers the
// validation runs, that cost ~0.3 s of CPU on two extra threads per run and saved far less, and
// on a small machine those threads take CPU from the step's own command, which starts while
// they still compile. Liftoff alone parses one runbook quickly enough. Set before any module is
// compiled; a long-lived process (the console) keeps V8's default.
import { setFlagsFromString } from 'node:v8';

export function baselineWasmOnly(): void {
  setFlagsFromString('--liftoff-only');
}
