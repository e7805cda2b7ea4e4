import { z } from 'zod';
import { NAME_PATTERN } from './runbook.js';

/*
 * handrail.yml: environments and the targets steps use in each.
 * Paths may start with `~/` (home), `${data_dir}/` (Handrail's data directory) or
 * `${workspace}/`; other relative paths are relative to the workspace folder.
 */

export const LocalTarget = z.literal('local').describe("The operator's own machine");

export const SshTarget = z
  .strictObject({
    ssh: z.string().regex(/^[^@\s]+@[^@\s:]+$/).describe('user@host'),
    port: z.number().int().min(1).max(65535).optional(),
    identity: z.string().optional().describe('Private key file; ssh-agent is used when absent'),
    'known-hosts': z.string().optional().describe('known_hosts file to check the host key against (default ~/.ssh/known_hosts)'),
  })
  .describe('A host reached over SSH');

export const SqliteTarget = z
  .strictObject({
    sqlite: z.string().min(1).describe('Path of the database file'),
    seed: z
      .string()
      .optional()
      .describe('SQL file run once to create the database when the file does not exist yet (practice environments)'),
  })
  .describe('A SQLite database file on this machine');

export const PostgresTarget = z
  .strictObject({
    postgres: z
      .string()
      .regex(/^postgres(ql)?:\/\//)
      .describe('postgres://user@host:port/database, without a password'),
    'password-env': z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
      .optional()
      .describe('Name of the environment variable holding the password'),
  })
  .describe('A PostgreSQL database');

export const TargetSpec = z.union([LocalTarget, SshTarget, SqliteTarget, PostgresTarget]);
export type TargetSpec = z.infer<typeof TargetSpec>;

export const TargetKind = z.enum(['local', 'ssh', 'sqlite', 'postgres']);
export type TargetKind = z.infer<typeof TargetKind>;

export const ApprovalSettings = z
  .strictObject({
    required: z.boolean().optional().describe('A run here needs an approval signed by someone in approvers other than the operator (handrail run --approval PLAN.sig)'),
    approvers: z.string().min(1).describe("OpenSSH allowed_signers file of who may approve (principals and public keys), relative to the workspace"),
    'valid-for': z
      .string()
      .regex(/^(\d+[smhd])+$/)
      .optional()
      .describe('How long after signing an approval may start a run: 30m, 1h, 2h30m, 1d (default 1h)'),
  })
  .describe("Approvals: a second person signs the run's plan with their SSH key (SSHSIG, namespace handrail-approval)");
export type ApprovalSettings = z.infer<typeof ApprovalSettings>;

export const Environment = z.strictObject({
  description: z.string().optional(),
  protected: z.boolean().optional().describe('Steps that change things need the environment name typed to confirm'),
  variables: z
    .record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/), z.union([z.string(), z.number(), z.boolean()]))
    .optional()
    .describe('Environment variables (not secrets) given to every sh step in this environment'),
  'pass-env': z
    .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/))
    .optional()
    .describe(
      "Names of variables in Handrail's own environment passed on to every sh step (a step otherwise gets only PATH, HOME, USER, LOGNAME, LANG, LC_*, TERM, TZ, the variables and its inputs)",
    ),
  targets: z.record(z.string().regex(new RegExp(NAME_PATTERN)), TargetSpec),
  approval: ApprovalSettings.optional(),
});
export type Environment = z.infer<typeof Environment>;

export const SnapshotSettings = z
  .strictObject({
    'keep-days': z.number().int().min(1).optional().describe('Keep snapshots this many days (default 14)'),
    'max-gb': z.number().positive().optional().describe('Keep at most this many GB of snapshots (default 20)'),
  })
  .describe('Snapshot retention; a snapshot of an open run, or under 24 hours old, is always kept');

export const TeamSettings = z
  .strictObject({
    postgres: z
      .string()
      .regex(/^postgres(ql)?:\/\//)
      .refine((url) => !/^postgres(ql)?:\/\/[^/@]*:[^/@]*@/.test(url), 'no password in the URL: name an environment variable with password-env')
      .describe('postgres://user@host:port/database of the team ledger, without a password'),
    'password-env': z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
      .optional()
      .describe('Name of the environment variable holding the ledger password'),
  })
  .describe('The team ledger on PostgreSQL: shared audit trail, team locks, an outside witness (HANDRAIL_TEAM_URL overrides the URL on one machine)');
export type TeamSettings = z.infer<typeof TeamSettings>;

export const Inventory = z
  .strictObject({
    environments: z.record(z.string().regex(new RegExp(NAME_PATTERN)), Environment),
    snapshots: SnapshotSettings.optional(),
    team: TeamSettings.optional(),
  })
  .describe('Handrail inventory (handrail.yml): environments and their targets');
export type Inventory = z.infer<typeof Inventory>;

export function targetKind(spec: TargetSpec): TargetKind {
  if (spec === 'local') return 'local';
  if ('ssh' in spec) return 'ssh';
  if ('sqlite' in spec) return 'sqlite';
  return 'postgres';
}

export function isDatabaseKind(kind: TargetKind): kind is 'sqlite' | 'postgres' {
  return kind === 'sqlite' || kind === 'postgres';
}
