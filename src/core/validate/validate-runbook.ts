// The rules that judge a runbook against the inventory it will run with: environments
// and targets exist, SQL that writes is marked `mutates`, every input used is declared,
// a destructive sh step asks first (destructive-advice.ts).
import { isDatabaseKind, targetKind, type Inventory, type TargetKind } from '../../contract/inventory.js';
import type { SourcePos } from '../../contract/problem.js';
import type { Runbook, Step, StepAction } from '../../contract/runbook.js';
import { wholeMatch } from '../engine/inputs.js';
import { MIN_SECRET_LENGTH } from '../engine/redact.js';
import { readShellInputs } from '../engine/shell-placeholders.js';
import { findPlaceholders } from '../runbook/placeholders.js';
import { ProblemList, positionIn } from '../problems.js';
import { analyzeSql, DIALECT_LABEL, type SqlDialect } from '../sql/sql-analysis.js';
import { adviseOnDestructiveShell, StepKnowledge } from './destructive-advice.js';

export function validateRunbook(runbook: Runbook, inventory: Inventory | undefined, problems: ProblemList): void {
  const fm = runbook.frontMatter;
  const envNames = inventory ? Object.keys(inventory.environments) : [];
  const allowed = fm.environments ?? envNames;
  if (inventory) {
    fm.environments?.forEach((name, i) => {
      if (!inventory.environments[name]) {
        problems.error(
          runbook.keyPos[`environments.${i}`] ?? { line: 1, col: 1 },
          `environment '${name}' is not defined in handrail.yml (defined: ${envNames.join(', ') || 'none'})`,
        );
      }
    });
  }
  const envs = allowed.filter((name) => inventory?.environments[name]);
  const used = new Set<string>();
  /** Inputs a sh step uses, with where the first use stands. */
  const inShell = new Map<string, SourcePos>();
  const stepKnowledge = new StepKnowledge();

  for (const step of runbook.steps) {
    const action = step.action;
    if (!action) continue;
    if (inventory) checkTargets(action, inventory, envs, fm.environments !== undefined, problems);
    if (action.kind === 'sql') checkSql(step, action, kindsOf(action.attributes.target, inventory, envs), fm, problems, used);
    else for (const p of findPlaceholders(action.code)) used.add(p.name);
    if (action.kind === 'sh') checkShellInputs(action, problems, inShell);
    if (action.kind === 'sh') adviseOnDestructiveShell(step, action, problems, stepKnowledge);
  }

  for (const [name, decl] of Object.entries(fm.inputs ?? {})) {
    if (decl.secret && mayBeShort(decl.type, decl.pattern)) {
      problems.warning(
        runbook.keyPos[`inputs.${name}`] ?? { line: 1, col: 1 },
        `secret input '${name}' accepts values shorter than ${MIN_SECRET_LENGTH} characters, which cannot be masked in output and the audit trail; ` +
          `give it a pattern that requires more, such as '^.{12,}$'`,
      );
    }
    const shellUse = inShell.get(name);
    if (shellUse && decl.type === 'string' && decl.pattern === undefined) {
      problems.warning(
        runbook.keyPos[`inputs.${name}`] ?? { line: 1, col: 1 },
        `input '${name}' is a string with no pattern and reaches a sh step (line ${shellUse.line}): any text is accepted, ` +
          `a leading '-' (read as an option) included; give it a pattern (matched whole), e.g. '^[a-z0-9][a-z0-9.-]*$', or make it an enum`,
      );
    }
    if (!used.has(name)) {
      problems.warning(runbook.keyPos[`inputs.${name}`] ?? { line: 1, col: 1 }, `input '${name}' is declared but no step uses it`);
    }
  }
}

/** Short values a secret's declaration might accept; any match means it may go unmasked. */
const SHORT_PROBES = ['', '1', '12', '123', 'a', 'ab', 'abc', 'Ab1', 'x!', 'true'].filter((v) => v.length < MIN_SECRET_LENGTH);

function mayBeShort(type: string, pattern: string | undefined): boolean {
  if (type !== 'string') return type === 'number';
  if (pattern === undefined) return true;
  try {
    const re = wholeMatch(pattern);
    return SHORT_PROBES.some((v) => re.test(v));
  } catch {
    return false; // a bad pattern is reported on its own
  }
}

/** Each placeholder of a sh step must stand where a variable reference means exactly its value. */
function checkShellInputs(action: StepAction, problems: ProblemList, inShell: Map<string, SourcePos>): void {
  const origin = { line: action.codeLine, col: action.codeCol };
  const found = readShellInputs(action.code);
  for (const p of found.placed) if (!inShell.has(p.name)) inShell.set(p.name, positionIn(action.code, p.offset, origin));
  for (const p of found.refused) {
    inShell.set(p.name, positionIn(action.code, p.offset, origin));
    problems.error(positionIn(action.code, p.offset, origin), `input '${p.name}' is ${p.where}: ${p.fix}`);
  }
}

function checkTargets(action: StepAction, inventory: Inventory, envs: string[], listed: boolean, problems: ProblemList): void {
  const target = action.attributes.target;
  const at = (attr: string): SourcePos => action.attributePos[attr] ?? action.pos;
  if (target !== undefined) {
    if (target === 'local') {
      if (action.kind === 'sql') problems.error(at('target'), `'local' is this machine, not a database; a sql step needs a sqlite or postgres target`);
    } else {
      checkDefined(target, at('target'), inventory, envs, listed, problems);
      if (action.kind === 'sql') checkDatabase(target, at('target'), 'a sql step needs a sqlite or postgres target', inventory, envs, problems);
    }
  }
  if (action.kind === 'sh') {
    for (const db of action.attributes.mutates) {
      if (checkDefined(db, at('mutates'), inventory, envs, listed, problems)) {
        checkDatabase(db, at('mutates'), 'mutates names the databases a step changes, so they can be snapshotted', inventory, envs, problems);
      }
    }
  }
}

function checkDefined(target: string, pos: SourcePos, inventory: Inventory, envs: string[], listed: boolean, problems: ProblemList): boolean {
  const known = [...new Set(Object.values(inventory.environments).flatMap((e) => Object.keys(e.targets)))];
  const missing = envs.filter((env) => !inventory.environments[env]?.targets[target]);
  if (!known.includes(target)) {
    problems.error(pos, `target '${target}' is not defined in any environment of handrail.yml (targets: ${known.join(', ') || 'none'}, local)`);
    return false;
  }
  if (listed && missing.length > 0) {
    const list = missing.map((e) => `'${e}'`).join(', ');
    problems.error(
      pos,
      `target '${target}' is not defined in environment ${list}, where this runbook may run; define it in handrail.yml or remove ${missing.length > 1 ? 'them' : 'it'} from environments`,
    );
  }
  return true;
}

function checkDatabase(target: string, pos: SourcePos, why: string, inventory: Inventory, envs: string[], problems: ProblemList): void {
  for (const env of envs) {
    const spec = inventory.environments[env]?.targets[target];
    if (spec && !isDatabaseKind(targetKind(spec))) {
      problems.error(pos, `target '${target}' is ${withArticle(targetKind(spec))} target in environment '${env}'; ${why}`);
    }
  }
}

function kindsOf(target: string | undefined, inventory: Inventory | undefined, envs: string[]): SqlDialect[] {
  const kinds = new Set<TargetKind>();
  for (const env of envs) {
    const spec = target ? inventory?.environments[env]?.targets[target] : undefined;
    if (spec) kinds.add(targetKind(spec));
  }
  const dialects = [...kinds].filter(isDatabaseKind);
  // Without an inventory (or a known target) hold the SQL to both dialects' rules.
  return dialects.length > 0 ? dialects : ['sqlite', 'postgres'];
}

function checkSql(
  step: Step,
  action: StepAction,
  dialects: SqlDialect[],
  fm: Runbook['frontMatter'],
  problems: ProblemList,
  used: Set<string>,
): void {
  if (action.code.trim() === '') return;
  const origin = { line: action.codeLine, col: action.codeCol };
  const marked = action.attributes.mutates.length > 0 || action.attributePos.mutates !== undefined;
  let writes = false;
  for (const dialect of dialects) {
    const analysis = analyzeSql(action.code, dialect);
    if (!analysis.ok) {
      writes = true;
      const pos = { line: origin.line + analysis.line - 1, col: analysis.line === 1 ? origin.col + analysis.col - 1 : analysis.col };
      const what = `this SQL could not be parsed as ${DIALECT_LABEL[dialect]} (${analysis.message}), so Handrail treats it as writing`;
      if (marked) problems.warning(pos, `${what}; check the statement`);
      else problems.error(pos, `${what}; fix the statement, or add {mutates} if it does change data`);
      continue;
    }
    for (const stmt of analysis.statements) {
      if (!stmt.writes) continue;
      writes = true;
      if (!marked) {
        problems.error(
          positionIn(action.code, stmt.offset, origin),
          `this SQL ${stmt.writes} but the step is not marked mutates; add {mutates} so a snapshot is taken first`,
        );
      }
    }
    for (const param of analysis.parameters) {
      used.add(param.name);
      if (!fm.inputs?.[param.name]) {
        problems.error(
          positionIn(action.code, param.offset, origin),
          `input '${param.name}' is used but not declared; add it under inputs: in the front matter`,
        );
      }
    }
  }
  if (marked && !writes) {
    problems.warning(
      action.attributePos.mutates ?? action.pos,
      `step '${step.title}' is marked mutates but its SQL only reads; remove mutates (a needless snapshot costs time during an incident)`,
    );
  }
}

function withArticle(kind: TargetKind): string {
  return kind === 'ssh' ? 'an ssh' : `a ${kind}`;
}
