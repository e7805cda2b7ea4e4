// The JSON Lines export of the audit chain, and its verification from the file alone, so a
// lead can check an export on a machine that has never seen this data directory. Pure.
//
//   line 1      {"type":"header", format, version, exportedAt, exportedBy, scope}
//   then        {"type":"event", seq … hash (the chained fields), bodyJson}   one per event, seq 1 to head
//   then        {"type":"checkpoint", seq, headHash, at, signature, publicKeyFingerprint, prevCheckpointHash (v2)}
//   last line   {"type":"public-key", algorithm, fingerprint, pem}
//
// `bodyJson` is the body's exact stored text, not a parsed object: its SHA-256 must be
// recomputable byte for byte. Events outside the export's scope (--run, --since, --until)
// keep their chained fields (the chain cannot be checked without them) but not their body:
// `bodyJson` is null and `bodyWithheld` true. Withholding hides a body; it cannot forge one,
// because the chained bodySha256 still commits to it. A `step.output` event in scope also
// carries the output chunk it vouches for (`output`, base64), checked against the SHA-256 in
// its body, so the output can be verified from the file as well.
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { ChainedEvent } from './chain-hash.js';
import { keyFingerprint, type Checkpoint } from './checkpoint.js';
import { OUTPUT_EVENT, outputEventBody, outputMismatch } from './output-event.js';
import { ChainVerifier, type AuditProblem, type StoredEvent, type VerifyResult } from './verify-chain.js';

export const EXPORT_FORMAT = 'handrail-audit-export';
/**
 * 2: checkpoint lines may carry prevCheckpointHash (linked checkpoints). This verifier reads
 * version 1 files too; a verifier that only knows version 1 reports linked checkpoints as badly signed.
 */
export const EXPORT_VERSION = 2;

export interface ExportScope {
  runId: string | null;
  since: string | null;
  until: string | null;
}

export function headerLine(exportedAt: string, exportedBy: string, scope: ExportScope): string {
  return JSON.stringify({ type: 'header', format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt, exportedBy, scope });
}

export function eventLine(event: ChainedEvent, bodyJson: string | null, withheld: boolean, output?: Uint8Array): string {
  const { seq, at, operator, machine, appVersion, kind, runId, stepIdx, environment, target, bodySha256, prevHash, hash } = event;
  return JSON.stringify({ type: 'event', seq, at, operator, machine, appVersion, kind, runId, stepIdx, environment, target, bodySha256, prevHash, hash,
    bodyJson: withheld ? null : bodyJson, ...(withheld ? { bodyWithheld: true } : {}),
    ...(!withheld && output ? { output: Buffer.from(output).toString('base64') } : {}) });
}

export function checkpointLine(cp: Checkpoint): string {
  return JSON.stringify({ type: 'checkpoint', ...cp });
}

export function publicKeyLine(key: KeyObject): string {
  // The signing (private) key may be passed; only its public half ever goes into a file.
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return JSON.stringify({ type: 'public-key', algorithm: 'ed25519', fingerprint: keyFingerprint(publicKey), pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
}

export interface ExportVerification extends VerifyResult {
  /** Of the public key carried by the file; compare it with `handrail audit key` noted elsewhere. */
  keyFingerprint: string | null;
  /**
   * What the file's key was checked against: `pinned` (--key), `local` (the key of the data
   * directory at hand), or `file` (nothing: the file's own key was trusted as it is).
   */
  keyCheckedAgainst: 'pinned' | 'local' | 'file';
  /** Events whose body was left out of the export (outside its scope); their bodies were not checked. */
  withheld: number;
}

type Parsed =
  | { type: 'header' }
  | { type: 'event'; event: StoredEvent; withheld: boolean; output: Buffer | undefined }
  | { type: 'checkpoint'; checkpoint: Checkpoint }
  | { type: 'public-key'; pem: string }
  | { type: 'bad'; why: string };

/**
 * The fingerprint the export's key must have. Anyone can rehash a forged export and sign it
 * with a key of their own, so the key the file carries proves nothing by itself.
 */
export interface ExpectedKey {
  fingerprint: string;
  /** `pinned`: given by the person checking (--key); `local`: this data directory's own key. */
  source: 'pinned' | 'local';
}

/**
 * Verifies an export. `lines` is called twice (checkpoints and key come after the events, and
 * the verifier needs them first), so a large file is read twice rather than held in memory.
 */
export function verifyExportLines(lines: () => Iterable<string>, expected?: ExpectedKey): ExportVerification {
  const checkpoints: Checkpoint[] = [];
  const extra: AuditProblem[] = [];
  let pem: string | undefined;
  for (const line of lines()) {
    const parsed = parseLine(line);
    if (parsed.type === 'checkpoint') checkpoints.push(parsed.checkpoint);
    if (parsed.type === 'public-key') pem = parsed.pem;
  }
  let publicKey: KeyObject | undefined;
  try {
    publicKey = pem === undefined ? undefined : createPublicKey(pem);
  } catch {
    extra.push({ seq: 1, kind: 'bad-signature', message: 'the public key at the end of the export is damaged; no checkpoint can be checked' });
  }

  const verifier = new ChainVerifier(checkpoints, publicKey);
  const withheld = new Set<number>();
  let lineNo = 0;
  let lastSeq = 0;
  for (const line of lines()) {
    lineNo++;
    if (line.trim() === '') continue;
    const parsed = parseLine(line);
    if (parsed.type === 'bad') {
      extra.push({ seq: lastSeq + 1, kind: 'event-edited', message: `line ${lineNo} of the export is damaged (${parsed.why}); it was edited by hand` });
    } else if (parsed.type === 'event') {
      if (parsed.withheld) withheld.add(parsed.event.seq);
      lastSeq = parsed.event.seq;
      verifier.push(parsed.event);
      const body = parsed.event.kind === OUTPUT_EVENT && !parsed.withheld ? outputEventBody(parsed.event.bodyJson) : undefined;
      const problem = body && outputMismatch(parsed.event.seq, parsed.event.stepIdx, body, parsed.output);
      if (problem) verifier.report(parsed.event.seq, parsed.output ? 'output-edited' : 'output-missing', problem.replace('stored output', 'export'));
    }
  }
  if (pem === undefined) {
    extra.push({ seq: lastSeq + 1, kind: 'truncated', message: `the export ends without its public-key line (after line ${lineNo}): the file was cut short or edited` });
  }
  const lastCheckpoint = Math.max(0, ...checkpoints.map((cp) => cp.seq));
  if (lastSeq > lastCheckpoint) {
    extra.push({ seq: lastSeq, kind: 'checkpoint-missing',
      message: `events ${lastCheckpoint + 1} to ${lastSeq} are not covered by a signed checkpoint; an export always ends with one, so a checkpoint line was removed` });
  }
  const result = verifier.finish();
  // The file's own problems first: at the same seq, a damaged line explains the gap after it.
  const fingerprint = publicKey ? keyFingerprint(publicKey) : null;
  const problems = [...extra, ...result.problems.filter((p) => !(p.kind === 'body-missing' && withheld.has(p.seq)))]
    .map((p) => ({ ...p, message: p.message.replace("this data directory's key", 'the key carried by the export').replace('this data directory has no audit signing key (keys/)', 'the export carries no public key') }));
  if (expected && fingerprint !== expected.fingerprint) {
    const first = Math.min(...checkpoints.map((cp) => cp.seq), lastSeq || 1);
    problems.push({ seq: first, kind: 'key-replaced', message: keyMismatch(fingerprint, expected) });
  }
  problems.sort((a, b) => a.seq - b.seq);
  return { ...result, ok: problems.length === 0, problems, keyFingerprint: fingerprint, keyCheckedAgainst: expected?.source ?? 'file', withheld: withheld.size };
}

function keyMismatch(actual: string | null, expected: ExpectedKey): string {
  const signed = actual ? `the export is signed by key ${actual}` : 'the export carries no public key';
  return expected.source === 'pinned'
    ? `${signed}, but --key expects ${expected.fingerprint}: it was re-signed by someone else, or it is not an export of the machine that key belongs to`
    : `${signed}, but this data directory's key is ${expected.fingerprint}: it was re-signed by someone else, or it comes from another machine; ` +
        'then check it with --key and the fingerprint `handrail audit key` printed on that machine';
}

function parseLine(line: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { type: 'bad', why: 'not valid JSON' };
  }
  if (typeof value !== 'object' || value === null) return { type: 'bad', why: 'not a JSON object' };
  const v = value as Record<string, unknown>;
  switch (v.type) {
    case 'header':
      return { type: 'header' };
    case 'public-key':
      return typeof v.pem === 'string' ? { type: 'public-key', pem: v.pem } : { type: 'bad', why: 'a public-key line without its PEM' };
    case 'checkpoint': {
      // prevCheckpointHash: absent in a v1 checkpoint (see checkpoint.ts).
      const ok = typeof v.seq === 'number' && [v.headHash, v.at, v.signature, v.publicKeyFingerprint].every((f) => typeof f === 'string') &&
        (v.prevCheckpointHash === undefined || typeof v.prevCheckpointHash === 'string');
      return ok ? { type: 'checkpoint', checkpoint: v as unknown as Checkpoint } : { type: 'bad', why: 'a checkpoint line with missing fields' };
    }
    case 'event': {
      const strings = [v.at, v.operator, v.machine, v.appVersion, v.kind, v.bodySha256, v.prevHash, v.hash];
      const nullable = (f: unknown, t: 'string' | 'number') => f === null || typeof f === t;
      const ok = typeof v.seq === 'number' && strings.every((f) => typeof f === 'string') && nullable(v.runId, 'string') &&
        nullable(v.stepIdx, 'number') && nullable(v.environment, 'string') && nullable(v.target, 'string') && nullable(v.bodyJson, 'string');
      if (!ok) return { type: 'bad', why: `event line${typeof v.seq === 'number' ? ` for seq ${v.seq}` : ''} with missing or mistyped fields` };
      const output = typeof v.output === 'string' ? Buffer.from(v.output, 'base64') : undefined;
      return { type: 'event', event: v as unknown as StoredEvent, withheld: v.bodyWithheld === true && v.bodyJson === null, output };
    }
    default:
      return { type: 'bad', why: `unknown line type ${JSON.stringify(v.type)}` };
  }
}
