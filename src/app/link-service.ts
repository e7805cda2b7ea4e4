// `handrail link`: the console link for a Prometheus rule's `runbook_url`, checked against
// the workspace first (the runbook, the environment and each input exist; no secret rides
// in a link), since a wrong link is found out only when the alert fires.
import { incidentProblem } from '../contract/incident.js';
import { parseRunbook } from '../core/runbook/parse-runbook.js';
import { alertLink, type LinkRequest } from './console-link.js';
import { UserError } from './errors.js';
import { loadInventory, locateRunbook } from './run-plan.js';
import type { Settings } from './settings.js';
import { readSource } from './workspace.js';

const NOTHING = 'no link was made';
const isTemplate = (value: string) => /^\{\{.*\}\}$/s.test(value.trim());

export async function makeAlertLink(settings: Settings, request: LinkRequest, cwd: string): Promise<{ url: string; warnings: string[] }> {
  const path = await locateRunbook(request.runbook, settings.workspace, cwd);
  const [bytes, size] = await readSource(path);
  const runbook = parseRunbook(path, bytes, size).runbook;
  if (!runbook) throw new UserError(`runbook '${request.runbook}' is not valid (handrail validate ${path}); ${NOTHING}`);
  const fm = runbook.frontMatter;
  const inventory = await loadInventory(settings.workspace);
  const warnings: string[] = [];
  if (!isTemplate(request.environment)) {
    if (!inventory.environments[request.environment]) {
      throw new UserError(`no environment '${request.environment}' in handrail.yml (it has ${Object.keys(inventory.environments).join(', ')}); ${NOTHING}`);
    }
    if (fm.environments && !fm.environments.includes(request.environment)) {
      throw new UserError(`runbook ${fm.id} may run only in ${fm.environments.join(', ')}, not in ${request.environment}; ${NOTHING}`);
    }
  }
  const declared = fm.inputs ?? {};
  for (const name of Object.keys(request.inputs)) {
    const declaration = declared[name];
    if (!declaration) throw new UserError(`runbook ${fm.id} has no input '${name}' (it takes ${Object.keys(declared).join(', ') || 'none'}); ${NOTHING}`);
    if (declaration.secret) {
      throw new UserError(`'${name}' is a secret input: a link would leave it in the alert, the browser's history and logs, and the console ignores it; the operator types it on the set-up screen; ${NOTHING}`);
    }
  }
  for (const [name, declaration] of Object.entries(declared)) {
    if (request.inputs[name] === undefined && declaration.default === undefined && !declaration.secret) warnings.push(`the link gives no value for the input '${name}'; the operator fills it in`);
  }
  if (request.incident !== undefined && !isTemplate(request.incident)) {
    const problem = incidentProblem(request.incident);
    if (problem !== null) throw new UserError(`${problem}; ${NOTHING}`);
  }
  return { url: alertLink({ ...request, runbook: fm.id }), warnings };
}
