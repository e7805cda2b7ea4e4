// The runs this process is driving, whichever of its team objects took their locks. A run's
// own end releases its team locks and records what stayed; a shipment in the meantime (a
// background tick of this or another run of the same console, between the end being recorded
// and that release) must leave such a run be, or the same lock would be released twice and a
// refusal recorded twice. Once the end has released, later shipments may try again.
const driven = new Set<string>();

export function drivingRun(runId: string): void {
  driven.add(runId);
}

export function runLetGo(runId: string): void {
  driven.delete(runId);
}

export function isDriven(runId: string): boolean {
  return driven.has(runId);
}
