// Every console flow, in the order the specs run them.
import { abortWithReason } from './abort-with-reason.js';
import { editRunbook } from './edit-runbook.js';
import type { Flow } from './flow.js';
import { importMarkdown } from './import-markdown.js';
import { importScript } from './import-script.js';
import { keyboardOnlyRun } from './keyboard-only-run.js';
import { newcomerDemoRun } from './newcomer-demo-run.js';
import { planBeforeStart } from './plan-before-start.js';
import { protectedEnvironment } from './protected-environment.js';
import { recordAndRun } from './record-and-run.js';
import { refusedEnvironment } from './refused-environment.js';
import { restoreSnapshot } from './restore-snapshot.js';
import { resumeInterrupted } from './resume-interrupted.js';
import { skipFailedStep } from './skip-failed-step.js';
import { stopLeftoverResume } from './stop-leftover-resume.js';

export type { Flow, FlowContext, FlowWorkspace, PrepareContext } from './flow.js';

export const flows: readonly Flow[] = [newcomerDemoRun, refusedEnvironment, protectedEnvironment, skipFailedStep, resumeInterrupted, stopLeftoverResume, restoreSnapshot, recordAndRun, editRunbook, importScript, importMarkdown, keyboardOnlyRun, abortWithReason, planBeforeStart];
