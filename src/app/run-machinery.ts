// What starting or resuming a run needs and a reading command (`runs`, `show`, the console's
// lists) does not: the runbook and SQL parsers, the shell grammar (wasm), the engine, and
// the targets with ssh2 and pg. RunService and SnapshotService load it when they first act (load-run-machinery.ts), so
// listing runs or snapshots starts without compiling any of them.
export { parseRunbook } from '../core/runbook/parse-runbook.js';
export { executeRun, preflight } from '../core/engine/run-engine.js';
export { loadShellGrammar } from '../core/engine/shell-placeholders.js';
export { lockDatabase, lockTargets, lostTargetLock, releaseTargets } from './target-locks.js';
export { loadInventory, locateRunbook, lockKey, planRun } from './run-plan.js';
export { openTargets, snapshotSource } from './targets.js';
export { versionRefusal } from './version-check.js';
export { readSource } from './workspace.js';
export { ApprovalRefused, approvalSaid, decideResumeApproval, decideRunApproval } from './run-approval.js';
