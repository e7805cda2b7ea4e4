// The audit trail in the app database: appends chained events (src/core/audit defines the
// hash), writes signed checkpoints, and reads the chain back for verification.
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Database, Statement } from 'better-sqlite3';
import { GENESIS_HASH, bodySha256, eventHash, type AuditFields } from '../core/audit/chain-hash.js';
import { signCheckpoint, type Checkpoint } from '../core/audit/checkpoint.js';
import { OUTPUT_EVENT, outputEventBody, outputMismatch } from '../core/audit/output-event.js';
import { CHECKPOINT_EVERY, ChainVerifier, type StoredEvent, type VerifyResult } from '../core/audit/verify-chain.js';
import { loadOrCreateSigningKey, readPublicKey } from './audit-keys.js';
import { checkAuditTail } from './audit-tail.js';
import type { NewEvent } from './new-records.js';
import { toStoredEvent, type AuditEventRow } from './audit-rows.js';
import { findRecordMismatches } from './record-verify.js';
import { readChunk } from './step-output.js';

export interface AuditChainOptions {
  now: () => string;
  /** Where the signing key lives (DATA_DIR/keys); null: no checkpoints (an in-memory database). */
  keysDir: string | null;
  appVersion?: string;
  machine?: string;
}

interface CheckpointRow {
  seq: number;
  head_hash: string;
  at: string;
  signature: string;
  public_key_fingerprint: string;
}

export class AuditChain {
  private readonly machine: string;
  private readonly appVersion: string;
  private signingKey: KeyObject | undefined;
  private readonly head: Statement;
  private readonly runEnvironment: Statement;
  private readonly stepTarget: Statement;
  private readonly insertEvent: Statement;
  private readonly insertBody: Statement;

  constructor(
    private readonly db: Database,
    private readonly options: AuditChainOptions,
  ) {
    this.machine = options.machine ?? hostname();
    this.appVersion = options.appVersion ?? APP_VERSION;
    this.head = db.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1');
    this.runEnvironment = db.prepare('SELECT environment FROM runs WHERE id = ?').pluck();
    this.stepTarget = db.prepare('SELECT target FROM steps WHERE run_id = ? AND idx = ?').pluck();
    this.insertEvent = db.prepare(
      `INSERT INTO audit_events (seq, at, operator, machine, app_version, kind, run_id, step_idx, environment, target,
         body_sha256, prev_hash, hash)
       VALUES (@seq, @at, @operator, @machine, @appVersion, @kind, @runId, @stepIdx, @environment, @target,
         @bodySha256, @prevHash, @hash)`,
    );
    this.insertBody = db.prepare('INSERT INTO audit_bodies (seq, body_json) VALUES (?, ?)');
  }

  /**
   * Appends one event and returns its seq; committed (on disk) when this returns, unless the
   * caller's transaction is still open. The environment and target default to the run's and
   * the step's, so every caller records them without having to look them up.
   */
  append(event: NewEvent): number {
    const bodyJson = JSON.stringify(event.body ?? null) ?? 'null';
    return this.db
      .transaction(() => {
        // Read inside the write transaction: a second process appending waits for the lock,
        // then sees this event as its predecessor.
        const last = this.head.get() as { seq: number; hash: string } | undefined;
        const runId = event.runId ?? null;
        const stepIdx = event.stepIdx ?? null;
        const fields: AuditFields = {
          seq: (last?.seq ?? 0) + 1,
          at: this.options.now(),
          operator: event.operator,
          machine: this.machine,
          appVersion: this.appVersion,
          kind: event.kind,
          runId,
          stepIdx,
          environment: event.environment !== undefined ? event.environment : runId === null ? null : ((this.runEnvironment.get(runId) as string | undefined) ?? null),
          target: event.target !== undefined ? event.target : runId === null || stepIdx === null ? null : ((this.stepTarget.get(runId, stepIdx) as string | null | undefined) ?? null),
          bodySha256: bodySha256(bodyJson),
        };
        // Checked before this event goes in (the verifier would miss this event's checkpoint).
        const signHere = fields.seq % CHECKPOINT_EVERY === 0 && this.tailIntact();
        const prevHash = last?.hash ?? GENESIS_HASH;
        const hash = eventHash(prevHash, fields);
        this.insertEvent.run({ ...fields, prevHash, hash });
        this.insertBody.run(fields.seq, bodyJson);
        // In the same transaction: no crash can leave a 1000th event without its checkpoint.
        // Never signed over a broken tail: the signature would hide the break from the next
        // start-up check (`audit verify` then names the missing checkpoint after the break).
        if (signHere) this.writeCheckpoint(fields.seq, hash);
        return fields.seq;
      })
      .immediate();
  }

  /** Signs the current head (idempotent); undefined when the chain is empty or there is no key folder. */
  checkpoint(): Checkpoint | undefined {
    return this.db
      .transaction(() => {
        const last = this.head.get() as { seq: number; hash: string } | undefined;
        return last && this.writeCheckpoint(last.seq, last.hash);
      })
      .immediate();
  }

  checkpoints(): Checkpoint[] {
    const rows = this.db.prepare('SELECT * FROM audit_checkpoints ORDER BY seq').all() as CheckpointRow[];
    return rows.map((r) => ({ seq: r.seq, headHash: r.head_hash, at: r.at, signature: r.signature, publicKeyFingerprint: r.public_key_fingerprint }));
  }

  /** Recomputes the whole chain against `publicKey` (the trusted key; undefined when there is none). */
  verify(publicKey: KeyObject | undefined): VerifyResult {
    // One read transaction: the events and checkpoints are of the same moment.
    return this.db.transaction(() => {
      const verifier = new ChainVerifier(this.checkpoints(), publicKey);
      const rows = this.db
        .prepare('SELECT e.*, b.body_json FROM audit_events e LEFT JOIN audit_bodies b ON b.seq = e.seq ORDER BY e.seq')
        .iterate() as IterableIterator<AuditEventRow>;
      for (const row of rows) {
        const event = toStoredEvent(row);
        verifier.push(event);
        if (event.kind === OUTPUT_EVENT) this.checkOutput(verifier, event);
      }
      this.findUnrecordedOutput(verifier);
      findRecordMismatches(this.db, verifier);
      return verifier.finish();
    })();
  }

  private tailIntact(): boolean {
    if (this.options.keysDir === null) return true;
    return checkAuditTail(this.db, () => this.checkpoints(), readPublicKey(this.options.keysDir)).problem === null;
  }

  /** The stored chunk an output event vouches for must still be byte for byte what was recorded. */
  private checkOutput(verifier: ChainVerifier, event: StoredEvent): void {
    const body = outputEventBody(event.bodyJson);
    if (!body || event.runId === null || event.stepIdx === null) return;
    const data = readChunk(this.db, { runId: event.runId, idx: event.stepIdx, attempt: body.attempt }, body.chunk);
    const problem = outputMismatch(event.seq, event.stepIdx, body, data);
    if (problem) verifier.report(event.seq, data === undefined ? 'output-missing' : 'output-edited', problem);
  }

  /**
   * Output rows no event vouches for were added behind the chain's back. Only runs whose output
   * is vouched for at all are checked: output stored before this check existed has no events.
   */
  private findUnrecordedOutput(verifier: ChainVerifier): void {
    const rows = this.db
      .prepare(
        `WITH vouched AS (
           SELECT e.seq, e.run_id, e.step_idx, json_extract(b.body_json, '$.attempt') AS attempt, json_extract(b.body_json, '$.chunk') AS chunk
           FROM audit_events e JOIN audit_bodies b ON b.seq = e.seq WHERE e.kind = ?)
         SELECT o.run_id, o.idx, o.attempt, o.seq AS chunk,
           (SELECT MAX(v.seq) FROM vouched v WHERE v.run_id = o.run_id) AS near
         FROM step_output o
         WHERE o.run_id IN (SELECT run_id FROM vouched)
           AND NOT EXISTS (SELECT 1 FROM vouched v WHERE v.run_id = o.run_id AND v.step_idx = o.idx AND v.attempt = o.attempt AND v.chunk = o.seq)`,
      )
      .all(OUTPUT_EVENT) as { run_id: string; idx: number; attempt: number; chunk: number; near: number }[];
    for (const r of rows) {
      verifier.report(r.near, 'output-unrecorded',
        `chunk ${r.chunk} of step ${r.idx + 1}'s output (attempt ${r.attempt}) in run ${r.run_id} is not recorded in the chain: it was added after the run`);
    }
  }

  private writeCheckpoint(seq: number, headHash: string): Checkpoint | undefined {
    const existing = this.checkpoints().find((cp) => cp.seq === seq);
    if (existing || this.options.keysDir === null) return existing;
    this.signingKey ??= loadOrCreateSigningKey(this.options.keysDir);
    const cp = signCheckpoint(this.signingKey, { seq, headHash, at: this.options.now() });
    this.db
      .prepare('INSERT INTO audit_checkpoints (seq, head_hash, at, signature, public_key_fingerprint) VALUES (?, ?, ?, ?, ?)')
      .run(cp.seq, cp.headHash, cp.at, cp.signature, cp.publicKeyFingerprint);
    return cp;
  }
}

/** Recorded with every event, so a reviewer knows which build wrote it. */
const APP_VERSION = readAppVersion();

function readAppVersion(): string {
  try {
    // src/store/ and dist/store/ both sit two levels below the package root.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
