// Never edit this file once released; see 0001-runs.ts.
//
// Each checkpoint signs the hash of the checkpoint before it (format v2, defined in
// src/core/audit/checkpoint.ts), so a checkpoint deleted from the middle of the trail is
// caught by the next one. The rows written before this migration are v1 checkpoints: their
// link stays NULL and they keep verifying as they were signed.

export const name = '0007-linked-checkpoints';

export const sql = `
ALTER TABLE audit_checkpoints ADD COLUMN prev_checkpoint_hash TEXT
  CHECK (prev_checkpoint_hash IS NULL OR length(prev_checkpoint_hash) = 64);
`;
