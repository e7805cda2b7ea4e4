// A small workspace for the editor's tests: one environment with a shell target and a
// SQLite target, and runbook texts that are valid or wrong in one way each.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const INVENTORY = `environments:
  local-demo:
    description: This machine
    targets:
      app: local
      events: { sqlite: ./events.db }
`;

export function writeEditorWorkspace(dir: string, files: Record<string, string> = {}): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'handrail.yml'), INVENTORY);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const fence = '```';

/** A valid runbook; `body` replaces its steps. */
export function probe(body = `## Say hello\n\n${fence}sh {target=app}\necho hello\n${fence}\n`, frontMatter = 'version: 1.0.0\n'): string {
  return `---\nid: probe\ntitle: Probe the host\n${frontMatter}environments: [local-demo]\n---\n\n# Probe the host\n\nLooks around.\n\n${body}`;
}

/** Each kind of problem the validator reports, with a piece of the message it gives. */
export const CASES: { name: string; text: string; says: RegExp | null }[] = [
  { name: 'a valid runbook', text: probe(), says: null },
  {
    name: 'a YAML error in the front matter',
    text: `---\nid: probe\ntitle: [never closed\nversion: 1.0.0\n---\n\n# Probe\n\n## Step\n\nDo it.\n`,
    says: /invalid YAML|YAML/,
  },
  { name: 'an unknown attribute', text: probe(`## Say hello\n\n${fence}sh {target=app colour=red}\necho hello\n${fence}\n`), says: /unknown attribute 'colour'/ },
  { name: 'an unknown target', text: probe(`## Say hello\n\n${fence}sh {target=nowhere}\necho hello\n${fence}\n`), says: /nowhere/ },
  {
    name: 'bad placeholders',
    text: probe(`## Greet\n\n${fence}sh {target=app}\necho {{ Who }} {{ whom }}\n${fence}\n`),
    says: /'\{\{ Who \}\}' is not an input name[\s\S]*input 'whom' is used but not declared/,
  },
  { name: 'SQL that writes without mutates', text: probe(`## Clear the events\n\n${fence}sql {target=events}\nDELETE FROM events;\n${fence}\n`), says: /mutates/ },
  { name: 'a warning only', text: probe(`## Say hello\n\n${fence}sh {target=app}\necho hello\n${fence}\n\n## Nothing here\n`), says: /warning: step 'Nothing here' has no instructions/ },
];
