// The engine's types the front ends (CLI, console) need, so they depend on app alone.
export type { Step } from '../contract/runbook.js';
export type { EngineEvent, OperatorPort } from '../core/engine/run-ports.js';
export type { EngineOutcome } from '../core/engine/run-engine.js';
export { MASK as REDACTED } from '../core/engine/redact.js';
