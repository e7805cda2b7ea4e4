// A call named around one variable, with words fixed before or after it
// (`install_database_$DATABASE_TYPE`, `configure_cinder_backend_${be_type}`), dispatches to one
// of a family of functions the project writes for each backend; their bodies live in files the
// script does not source by a name it can read. The fixed words say what every member does, as
// the name of any helper defined elsewhere does (destructive-rules-names.ts): a family named for
// installing, configuring or reading is not "cannot tell what runs"; one named for removing
// (`cleanup_database_$TYPE`, `recreate_database_$TYPE`) stays a finding, and so does one named
// for a hook or a command someone else supplies (`hook__$hook`, `run_hook_$phase`).
import { verbInName } from './destructive-rules-names.js';

/** Fixed words, one variable (`$X` or `${X}`), optional fixed words after it. */
const FAMILY = /^([A-Za-z][\w-]*?)\$(?:\{[A-Za-z_]\w*\}|[A-Za-z_]\w*)([\w-]*)$/;
/** Words that say the member is someone else's code, whatever else the name says. */
const SOMEONE_ELSES = /^(hooks?|handler|callback|plugin|cmd|command|run|exec|action)$/i;

/** Whether `name` calls a family of the project's own functions whose fixed words say nothing destructive. */
export function familyNamedForHarmlessWork(name: string): boolean {
  const m = FAMILY.exec(name);
  if (!m) return false;
  // Two words before the variable at least (`install_database_`): a short prefix (`fn-${TYPE}-rotate`) names no family's purpose.
  const before = (m[1] ?? '').split(/[_-]+/).filter(Boolean);
  const words = [...before, ...(m[2] ?? '').split(/[_-]+/).filter(Boolean)];
  if (before.length < 2 || words.some((w) => SOMEONE_ELSES.test(w))) return false;
  return verbInName(words.join('_')) === undefined;
}
