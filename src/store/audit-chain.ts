// The audit trail in the app database: appends chained events (src/core/audit defines the
// hash), writes signed checkpoints, and reads the chain back for verification.
import type { KeyObject } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import type { Database, Statement, Transaction } from 'better-sqlite3';
import { appVersion } from '../core/app-version.js';
import { GENESIS_HASH, bodySha256, eventHash, type AuditFields } from '../core/audit/chain-hash.js';
import { signsWith } from '../core/audit/checkpoint-rules.js';
import { KEY_CREATED_EVENT, keyFingerprint, linkTo, signCheckpoint, type Checkpoint } from '../core/audit/checkpoint.js';
import { toCheckpoint, type CheckpointRow } from '../core/audit/event-row.js';
import { OUTPUT_EVENT } from '../core/audit/output-event.js';
import { ChainVerifier, type AuditProblem, type AuditProblemKind, type StoredEvent, type VerifyResult } from '../core/audit/verify-chain.js';
import { quietRules } from '../core/audit/verify-quiet.js';
import { createSigningKey, readPublicKey, readSigningKey } from './audit-keys.js';
import { StoreError } from './store-error.js';
import { checkAuditTail } from './audit-tail.js';
import { catchUpQuietly } from './audit-search-catch-up.js';
import type { NewEvent } from './new-records.js';
import { toStoredEvent, type AuditEventRow } from './audit-rows.js';
import { findRecordMismatches } from './record-verify.js';
import { outputProblem } from './audit-output-check.js';
import type { ReadCounts } from './audit-read-workers.js';
import { electronNativeBinding } from './open-database.js';

/** Below this many events, starting worker threads costs more than they save. */
const PARALLEL_FROM = 20_000;
/** Events per stretch a worker reads and summarizes at a time. */
const CHUNK = 4096;

export interface AuditChainOptions {
  now: () => string;
  /** Where the signing key lives (DATA_DIR/keys); null: no checkpoints (an in-memory database). */
  keysDir: string | null;
  appVersion?: string;
  machine?: string;
}


export class AuditChain {
  private readonly machine: string;
  private readonly appVersion: string;
  private key: KeyObject | undefined;
  /** A run's end or a 1,000th event was appended: the search index catches up after the commit. */
  private searchCatchUpDue = false;
  private readonly head: Statement;
  private readonly runEnvironment: Statement;
  private readonly stepTarget: Statement;
  private readonly insertEvent: Statement;
  private readonly insertBody: Statement;
  /** Made once: better-sqlite3 builds four wrappers per transaction() call, a cost on every append. */
  private readonly appendInTransaction: Transaction<(event: NewEvent, bodyJson: string) => number>;

  constructor(
    private readonly db: Database,
    private readonly options: AuditChainOptions,
  ) {
    this.machine = options.machine ?? hostname();
    this.appVersion = options.appVersion ?? appVersion();
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
    this.appendInTransaction = db.transaction((event: NewEvent, bodyJson: string) => this.appendNow(event, bodyJson));
  }

  /**
   * Appends one event and returns its seq; committed (on disk) when this returns, unless the
   * caller's transaction is still open. The environment and target default to the run's and
   * the step's, so every caller records them without having to look them up.
   */
  append(event: NewEvent): number {
    const seq = this.appendInTransaction.immediate(event, JSON.stringify(event.body ?? null) ?? 'null');
    // The search index is not written with each event (migration 0011); at a run's end and
    // every 1,000th event it catches up, in its own transaction, once this event is committed.
    if (signsWith({ seq, kind: event.kind, runId: event.runId ?? null })) this.searchCatchUpDue = true;
    this.afterCommit();
    return seq;
  }

  /** Call once the caller's own transaction (if any) has committed: runs what waits for that. */
  afterCommit(): void {
    if (this.db.inTransaction || !this.searchCatchUpDue) return;
    this.searchCatchUpDue = false;
    catchUpQuietly(this.db);
  }

  private appendNow(event: NewEvent, bodyJson: string): number {
    // Read inside the write transaction: a second process appending waits for the lock,
    // then sees this event as its predecessor.
    let last = this.head.get() as { seq: number; hash: string } | undefined;
    // The first signature of a data directory makes its key, which is itself recorded
    // (before this event, so the new key's creation is covered by this event's checkpoint).
    if (this.key === undefined && this.options.keysDir !== null && signsWith({ seq: (last?.seq ?? 0) + 1, kind: event.kind, runId: event.runId ?? null })) {
      this.key = this.signingKeyFor(event.operator, 'skip');
      // Making the key appended its creation: this event follows that one.
      last = this.head.get() as { seq: number; hash: string } | undefined;
    }
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
    const key = this.key;
    const signHere = key !== undefined && signsWith(fields) && this.tailIntact();
    const prevHash = last?.hash ?? GENESIS_HASH;
    const hash = eventHash(prevHash, fields);
    this.insertEvent.run({ ...fields, prevHash, hash });
    this.insertBody.run(fields.seq, bodyJson);
    // In the same transaction: no crash can leave a 1000th event or a run's end without its
    // checkpoint. Never signed over a broken tail: the signature would hide the break from
    // the next start-up check (`audit verify` then names the missing checkpoint after the break).
    if (signHere) this.writeCheckpoint(fields.seq, hash, key);
    return fields.seq;
  }

  /**
   * Signs the current head (idempotent); undefined when the chain is empty or there is no key
   * folder. When the key is missing and may not be made (see signingKeyFor()), `throw` fails
   * with a StoreError saying what to do, `skip` signs nothing. `operator` is recorded if the
   * first key is made here.
   */
  checkpoint(operator?: string, refused: 'throw' | 'skip' = 'throw'): Checkpoint | undefined {
    return this.db
      .transaction(() => {
        const head = this.head.get() as { seq: number; hash: string } | undefined;
        if (!head || this.options.keysDir === null) return undefined;
        const existing = this.checkpointAt(head.seq);
        if (existing) return existing;
        const key = (this.key ??= this.signingKeyFor(operator ?? this.headOperator(), refused));
        if (key === undefined) return undefined;
        // Read again: making the first key appended its creation.
        const last = this.head.get() as { seq: number; hash: string };
        return this.checkpointAt(last.seq) ?? this.writeCheckpoint(last.seq, last.hash, key);
      })
      .immediate();
  }

  /**
   * This data directory's signing key, made (and its creation recorded) when the chain has
   * never been signed; see signingKeyFor(). For `audit key` and exports.
   */
  signingKey(operator: string): KeyObject {
    if (this.options.keysDir === null) throw new StoreError('This database is in memory and has no audit signing key.');
    // IMMEDIATE: the check that the trail was never signed and the key's creation (with its
    // event) happen under the write lock, never interleaved with another process signing.
    return this.db.transaction(() => (this.key ??= this.signingKeyFor(operator, 'throw'))).immediate();
  }

  checkpoints(): Checkpoint[] {
    const rows = this.db.prepare('SELECT * FROM audit_checkpoints ORDER BY seq').all() as CheckpointRow[];
    return rows.map(toCheckpoint);
  }

  /**
   * verify() with the chain read and its hashes recomputed on worker threads
   * (audit-read-workers.ts), for a chain long enough to be worth starting workers for; the
   * result is the same. The head, the checkpoints and the rows beside the chain are read in
   * one read transaction, as verify() reads them; the readers stop at that head.
   */
  async verifyInParallel(
    publicKey: KeyObject | undefined,
    options: { minEvents?: number; workers?: number; chunk?: number; counts?: ReadCounts } = {},
  ): Promise<VerifyResult> {
    const workers = Math.max(1, options.workers ?? Math.min(2, availableParallelism()));
    const minEvents = options.minEvents ?? PARALLEL_FROM;
    const span = () => this.db.prepare('SELECT min(seq) AS first, max(seq) AS last FROM audit_events').get() as { first: number | null; last: number | null };
    const before = span();
    if (this.db.memory || before.first === null || before.last === null || before.last - before.first + 1 < minEvents) return this.verify(publicKey);
    const { startChainReaders } = await import('./audit-read-workers.js');
    const start = this.db.transaction(() => {
      const { first, last } = span();
      if (first === null || last === null) return undefined;
      const checkpoints = this.checkpoints();
      const plan = { path: this.db.name, nativeBinding: electronNativeBinding(), from: first, to: last, chunk: options.chunk ?? CHUNK, workers, rules: quietRules(checkpoints) };
      // Started before the checks below, so the workers load while this thread does them.
      const readers = startChainReaders(this.db, plan, options.counts);
      try {
        const besides: AuditProblem[] = [];
        const collect = { report: (seq: number, kind: AuditProblemKind, message: string) => void besides.push({ seq, kind, message }) };
        this.findUnrecordedOutput(collect);
        findRecordMismatches(this.db, collect);
        return { checkpoints, readers, besides };
      } catch (error) {
        void readers.stop();
        throw error;
      }
    })();
    if (!start) return this.verify(publicKey);
    const verifier = new ChainVerifier(start.checkpoints, publicKey);
    for await (const items of start.readers.stretches()) {
      for (const item of items) {
        if ('quiet' in item) {
          verifier.pushQuiet(item.quiet, item.last);
        } else {
          verifier.push(item.event, item.known);
          if (item.event.kind === OUTPUT_EVENT) this.checkOutput(verifier, item.event);
        }
      }
    }
    // Reported after the walk, in this order, as verify() does: the problems come out the same.
    for (const p of start.besides) verifier.report(p.seq, p.kind, p.message);
    return verifier.finish();
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
    const problem = outputProblem(this.db, event);
    if (problem) verifier.report(event.seq, problem.kind, problem.message);
  }

  /**
   * Output rows no event vouches for were added behind the chain's back. Only runs whose output
   * is vouched for at all are checked: output stored before this check existed has no events.
   */
  private findUnrecordedOutput(verifier: Pick<ChainVerifier, 'report'>): void {
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

  private writeCheckpoint(seq: number, headHash: string, key: KeyObject): Checkpoint {
    const existing = this.checkpointAt(seq);
    if (existing) return existing;
    // Checkpoints are written in seq order (each signs the head, under the write lock), so
    // the one with the highest seq is the one this checkpoint follows.
    const previous = this.db.prepare('SELECT * FROM audit_checkpoints ORDER BY seq DESC LIMIT 1').get() as CheckpointRow | undefined;
    const cp = signCheckpoint(key, { seq, headHash, at: this.options.now(), prevCheckpointHash: linkTo(previous && toCheckpoint(previous)) });
    this.db
      .prepare('INSERT INTO audit_checkpoints (seq, head_hash, at, signature, public_key_fingerprint, prev_checkpoint_hash) VALUES (?, ?, ?, ?, ?, ?)')
      .run(cp.seq, cp.headHash, cp.at, cp.signature, cp.publicKeyFingerprint, cp.prevCheckpointHash);
    return cp;
  }

  private checkpointAt(seq: number): Checkpoint | undefined {
    const row = this.db.prepare('SELECT * FROM audit_checkpoints WHERE seq = ?').get(seq) as CheckpointRow | undefined;
    return row && toCheckpoint(row);
  }

  private headSeq(): number {
    return (this.head.get() as { seq: number } | undefined)?.seq ?? 0;
  }

  private headOperator(): string {
    return (this.db.prepare('SELECT operator FROM audit_events ORDER BY seq DESC LIMIT 1').pluck().get() as string | undefined) ?? 'handrail';
  }

  /**
   * The signing key in keys/. A key is made only for a chain that was never signed: once a
   * checkpoint exists, or the chain records a key's creation, a new key would vouch for
   * nothing that came before, and is exactly what someone rewriting the trail would need; so
   * Handrail refuses and says how to get the old key back. Called inside the write
   * transaction, so the check and the creation cannot interleave with another process.
   * `skip`: an event being appended is still recorded, unsigned (verify then names the
   * missing checkpoint); `throw`: an explicit signature fails with the explanation.
   */
  private signingKeyFor(operator: string, refused: 'throw'): KeyObject;
  private signingKeyFor(operator: string, refused: 'throw' | 'skip'): KeyObject | undefined;
  private signingKeyFor(operator: string, refused: 'throw' | 'skip'): KeyObject | undefined {
    const keysDir = this.options.keysDir;
    if (keysDir === null) return undefined;
    const existing = readSigningKey(keysDir);
    if (existing) return existing;
    const why = this.whyKeyIsNeeded();
    if (why !== null) {
      if (refused === 'skip') return undefined;
      throw new StoreError(
        `The audit signing key is missing from ${keysDir}, but this audit trail ${why}. Handrail will not make a new key: ` +
          'the existing checkpoints can only be checked with the key that signed them, and a new key would let anyone re-sign a rewritten trail. ' +
          `Nothing was signed or recorded. Restore ${keysDir} from a backup of this data directory (the old key is needed to check what was signed); ` +
          '`handrail audit verify` shows what can still be checked. If the key is lost for good, keep this data directory as evidence and start a new one (--data-dir).',
      );
    }
    const key = createSigningKey(keysDir);
    this.key = key;
    this.append({ operator, kind: KEY_CREATED_EVENT, runId: null, body: { fingerprint: keyFingerprint(key), keysDir } });
    return key;
  }

  /** What makes a new key unsafe here, or null: the chain was never signed. */
  private whyKeyIsNeeded(): string | null {
    const last = this.db.prepare('SELECT * FROM audit_checkpoints ORDER BY seq DESC LIMIT 1').get() as CheckpointRow | undefined;
    if (last) {
      const count = this.db.prepare('SELECT count(*) FROM audit_checkpoints').pluck().get() as number;
      return `has ${count} signed checkpoint${count === 1 ? '' : 's'} (the last at event ${last.seq}, signed at ${last.at} by key ${last.public_key_fingerprint})`;
    }
    const created = this.db
      .prepare(`SELECT e.seq, e.at, json_extract(b.body_json, '$.fingerprint') AS fingerprint FROM audit_events e LEFT JOIN audit_bodies b ON b.seq = e.seq
                WHERE e.kind = ? ORDER BY e.seq LIMIT 1`)
      .get(KEY_CREATED_EVENT) as { seq: number; at: string; fingerprint: string | null } | undefined;
    return created ? `records that key ${created.fingerprint ?? '(unknown)'} was created at ${created.at} (event ${created.seq})` : null;
  }
}

