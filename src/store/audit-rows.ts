// The store reads audit rows with the one mapping core defines (src/core/audit/event-row.ts).
export { toStoredEvent, type AuditEventRow } from '../core/audit/event-row.js';
