// Runs the validator on text in memory and returns problems as `line:col: message`
// (warnings as `line:col: warning: message`), the way `handrail validate` prints them.
import { parseInventory } from '../../src/core/inventory/parse-inventory.js';
import { ProblemList, formatProblem, sortProblems } from '../../src/core/problems.js';
import { parseRunbook } from '../../src/core/runbook/parse-runbook.js';
import { loadShellGrammar } from '../../src/core/engine/shell-placeholders.js';
import { validateRunbook } from '../../src/core/validate/validate-runbook.js';

// The validator reads sh steps with the bash grammar, which loads asynchronously.
await loadShellGrammar();

export const INVENTORY = `environments:
  local-demo:
    targets:
      app: local
      events: { sqlite: ./demo/events.db }
  pilot:
    targets:
      app: { ssh: deploy@pilot-1.example.net, port: 22 }
      events: { sqlite: /srv/pilot/events.db }
  production:
    protected: true
    targets:
      app: { ssh: deploy@app-1.example.net }
      events: { postgres: "postgres://app@db-1.example.net:5432/app", password-env: PROD_PG_PASSWORD }
`;

const encode = (text: string) => new TextEncoder().encode(text);

export function runbookProblems(markdown: string, inventory: string | undefined = INVENTORY): string[] {
  const parsed = parseRunbook('rb.md', encode(markdown));
  const problems = new ProblemList('rb.md');
  const inv = inventory === undefined ? undefined : parseInventory('handrail.yml', encode(inventory));
  if (inv && inv.problems.length > 0) throw new Error(`test inventory is invalid: ${inv.problems.map(formatProblem).join('; ')}`);
  if (parsed.draft) validateRunbook(parsed.draft, inv?.inventory, problems);
  return sortProblems([...parsed.problems, ...problems.items]).map((p) => formatProblem(p).replace(/^rb\.md:/, ''));
}

export function inventoryProblems(yaml: string | Uint8Array): string[] {
  const parsed = parseInventory('handrail.yml', typeof yaml === 'string' ? encode(yaml) : yaml);
  return parsed.problems.map((p) => formatProblem(p).replace(/^handrail\.yml:/, ''));
}

/** Front matter that is valid, so a test can focus on one thing after it. */
export function runbook(body: string, frontMatterExtra = ''): string {
  return `---\nid: demo\ntitle: Demo\nversion: 1.0.0\n${frontMatterExtra}---\n\n# Demo\n\n${body}`;
}
