// The Runbooks view's first judging of a workspace, off the console server's thread: the
// parsers load and every runbook is judged here while the server goes on answering (the
// browser's page and bundle, the database's creation), on the machine's other core.
import { parentPort, workerData } from 'node:worker_threads';
import type { JudgedMessage, JudgeWorkerData } from './judge-worker-data.js';
import { inventoryOf, judgeRunbook } from './judge-runbooks.js';

const { workspace, inventoryPath, inventorySource, runbooks } = workerData as JudgeWorkerData;
const inventory = inventoryOf(workspace, inventoryPath, inventorySource);
parentPort?.postMessage({ inventoryProblems: inventory.problems } satisfies JudgedMessage);
for (const { file, source } of runbooks) {
  const { verdict } = await judgeRunbook(workspace, file, source, inventory);
  parentPort?.postMessage({ file, verdict } satisfies JudgedMessage);
}
