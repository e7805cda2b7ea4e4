// The `handrail` command. Heavy modules (parsers, the store) load inside each command's
// action, so `handrail --help` starts in a few tens of milliseconds.
import { Command, CommanderError, Option } from 'commander';
import { appVersion } from '../core/app-version.js';
import type { ResumeFlags, RunFlags } from './commands/run.js';
import { DEFAULT_PORT, parsePort } from './commands/serve.js';
import type { GlobalOptions } from './global-options.js';
import { fail, reportError } from './output.js';

const program = new Command('handrail')
  .description('Walk through versioned runbooks with snapshots before every change and a tamper-evident audit trail.')
  .version(appVersion(), '-V, --version', 'print the version')
  .addOption(new Option('--data-dir <dir>', 'where runs, the audit trail and snapshots are kept').env('HANDRAIL_DATA_DIR'))
  .addOption(new Option('--workspace <dir>', 'folder with handrail.yml and runbooks (default: the demo workspace)').env('HANDRAIL_WORKSPACE'))
  .addOption(new Option('--operator <name>', 'who is at the keyboard (default: your OS user name)').env('HANDRAIL_OPERATOR'))
  .helpOption('-h, --help', 'show help')
  .addHelpCommand(false)
  .showSuggestionAfterError(true)
  .exitOverride()
  .configureOutput({
    // Commander's own errors (unknown flag, missing argument) become one line and exit 2.
    outputError: (message) => fail(message.replace(/^error:\s*/, '').replace(/\n+/g, ' ').trim()),
  });

program
  .command('validate')
  .description('check runbooks and the inventory; prints path:line:col: message for each problem')
  .argument('[paths...]', 'runbook files, handrail.yml files or workspace folders (default: the workspace)')
  .option('--json', 'print the problems as JSON')
  .action(async (paths: string[], options: { json?: boolean }) => {
    const { validateCommand } = await import('./commands/validate.js');
    process.exitCode = await validateCommand(paths, options, program.opts<GlobalOptions>());
  });

program
  .command('list')
  .description('list the runbooks in the workspace')
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    const { listCommand } = await import('./commands/list.js');
    process.exitCode = await listCommand(options, program.opts<GlobalOptions>());
  });

program
  .command('schemas')
  .description('write JSON Schemas of handrail.yml and of runbook front matter, for editors')
  .argument('[dir]', 'where to write them (default: WORKSPACE/.schemas)')
  .action(async (dir: string | undefined) => {
    const { schemasCommand } = await import('./commands/schemas.js');
    process.exitCode = await schemasCommand(dir, program.opts<GlobalOptions>());
  });

const collect = (value: string, previous: string[]) => [...previous, value];

program
  .command('run')
  .description('run a runbook (id or path) in an environment, step by step')
  .argument('<runbook>', 'runbook id (see handrail list) or path to a .md file')
  .requiredOption('--env <env>', 'the environment to run in (see handrail.yml)')
  .option('--input <name=value>', 'an input value (repeatable); secrets go in HANDRAIL_INPUT_<NAME> instead', collect, [])
  .option('--yes', 'without a terminal: acknowledge manual steps and confirmations')
  .option('--confirm <env>', "a protected environment's name, typed to allow its changes")
  .option('--accept-host-key <fingerprint>', 'accept an unknown SSH host key (SHA256:…) after checking it (repeatable)', collect, [])
  .option('--break-glass <reason>', 'in an incident: go past an approval or team lock that cannot be had now; recorded as a deviation that leads every report')
  .option('--approval <file>', "the approval of this run's plan (PLAN.sig from handrail approve), for an environment that requires one")
  .option('--approval-request <id>', 'the approval request in the team ledger (handrail plan --request-approval) whose posted approvals to check, as --approval checks a file')
  .option('--incident <id>', 'the incident or ticket this run is for (kept with the run, in its audit trail and reports)')
  .option('--json', 'print events as JSON lines')
  .action(async (runbook: string, options: RunFlags) => {
    const { runCommand } = await import('./commands/run.js');
    process.exitCode = await runCommand(runbook, options, program.opts<GlobalOptions>());
  });

program
  .command('plan')
  .description('show every step of a run resolved (targets, commands, snapshots, confirmations, approval) without running anything')
  .argument('<runbook>', 'runbook id (see handrail list) or path to a .md file')
  .requiredOption('--env <env>', 'the environment the run would be in')
  .option('--input <name=value>', 'an input value (repeatable); secrets go in HANDRAIL_INPUT_<NAME> instead', collect, [])
  .option('--rehearse', "run the SQL steps on a copy (SQLite) or in a transaction that is rolled back (PostgreSQL) and report rows and expect-rows")
  .option('--confirm <env>', "a protected environment's name, typed to allow a rehearsal on its PostgreSQL databases")
  .option('--out <file>', 'write the plan text (what an approver signs) to this file')
  .option('--request-approval', 'post the plan to the team ledger as an approval request for approvers to read and sign; prints its id')
  .option('--note <text>', 'with --request-approval: a line for the approvers (why, the incident)')
  .option('--json', 'print the plan (and rehearsal) as JSON')
  .action(async (runbook: string, options: import('./commands/plan.js').PlanFlags) => {
    const { planCommand } = await import('./commands/plan.js');
    process.exitCode = await planCommand(runbook, options, program.opts<GlobalOptions>());
  });

program
  .command('resume')
  .description('continue an interrupted or failed run where it stopped')
  .argument('<run>', 'run id (or a unique prefix)')
  .option('--input <name=value>', 'input values to give again (secrets are never stored)', collect, [])
  .option('--yes', 'without a terminal: acknowledge manual steps and confirmations')
  .option('--confirm <env>', "a protected environment's name, typed to allow its changes")
  .option('--retry-in-doubt', 'run again a step that was running when Handrail stopped')
  .option('--done-in-doubt <note>', 'mark such a step done (you checked it took effect)')
  .option('--skip-in-doubt <reason>', 'skip such a step')
  .option('--stop-leftover', "first stop a step's command still running from the run that died (TERM, then KILL)")
  .option('--accept-host-key <fingerprint>', 'accept an unknown SSH host key (SHA256:…) after checking it (repeatable)', collect, [])
  .option('--break-glass <reason>', 'in an incident: go past an approval or team lock that cannot be had now; recorded as a deviation that leads every report')
  .option('--approval <file>', 'a new approval, when the plan changed since the run was approved')
  .option('--approval-request <id>', 'or a new approval requested through the team ledger (handrail plan --request-approval)')
  .option('--json', 'print events as JSON lines')
  .action(async (run: string, options: ResumeFlags) => {
    const { resumeCommand } = await import('./commands/run.js');
    process.exitCode = await resumeCommand(run, options, program.opts<GlobalOptions>());
  });

program
  .command('approve')
  .description('read a plan (handrail plan --out FILE) and sign it with your SSH key as its approver; writes PLAN.sig')
  .argument('[plan]', 'the plan file to approve')
  .option('--request <id>', 'approve an approval request from the team ledger instead of a file (see handrail approvals)')
  .option('--key <file>', 'your SSH private key, or its .pub when the key is in ssh-agent (default: the agent\'s only key)')
  .option('--principal <name>', "your name in the environment's allowed_signers (default: the one listed for your key)")
  .option('--out <file>', 'where to write the approval (default: PLAN.sig)')
  .option('--yes', 'without a terminal: sign after printing the plan')
  .action(async (plan: string | undefined, options: import('./commands/approve.js').ApproveFlags) => {
    const { approveCommand } = await import('./commands/approve.js');
    process.exitCode = await approveCommand(plan, options, program.opts<GlobalOptions>());
  });

program
  .command('approvals')
  .description('list the approval requests waiting in the team ledger, newest first')
  .option('--json', 'print them as JSON')
  .action(async (options: { json?: boolean }) => {
    const { approvalsCommand } = await import('./commands/approvals.js');
    process.exitCode = await approvalsCommand(options, program.opts<GlobalOptions>());
  });

program
  .command('abort')
  .description('end an interrupted run without running more of it; releases its databases')
  .argument('<run>', 'run id (or a unique prefix)')
  .requiredOption('--reason <text>', 'why (kept in the audit trail)')
  .action(async (run: string, options: { reason: string }) => {
    const { abortCommand } = await import('./commands/abort.js');
    process.exitCode = await abortCommand(run, options, program.opts<GlobalOptions>());
  });

program
  .command('runs')
  .description('list runs, newest first')
  .option('--incident <id>', 'only the runs started for this incident or ticket')
  .option('--json', 'print JSON')
  .option('--team', "every machine's runs, from the team ledger (each checked against its machine's pinned key)")
  .option('--machine <machine>', 'with --team: only this machine (its id or host name)')
  .option('--env <env>', 'with --team: only runs in this environment')
  .option('--limit <n>', 'with --team: at most this many runs, newest first (default 200)')
  .action(async (options: import('./commands/team-runs.js').TeamRunsFlags & { incident?: string }) => {
    const { runsCommand } = await import('./commands/runs.js');
    process.exitCode = await runsCommand(options, program.opts<GlobalOptions>());
  });

program
  .command('show')
  .description('show one run in full: steps, outcomes and output')
  .argument('<run>', 'run id (or a unique prefix)')
  .option('--json', 'print JSON')
  .option('--team', 'look for the run in the team ledger (without it, the ledger is asked when the run is not on this machine)')
  .action(async (run: string, options: { json?: boolean; team?: boolean }) => {
    const { showCommand } = await import('./commands/runs.js');
    process.exitCode = await showCommand(run, options, program.opts<GlobalOptions>());
  });

program
  .command('snapshot')
  .description('take a verified snapshot of a database target now')
  .argument('<target>', 'a sqlite or postgres target of handrail.yml')
  .requiredOption('--env <env>', 'the environment the target is in')
  .action(async (target: string, options: { env: string }) => {
    const { snapshotCommand } = await import('./commands/snapshots.js');
    process.exitCode = await snapshotCommand(target, options, program.opts<GlobalOptions>());
  });

program
  .command('snapshots')
  .description('list snapshots, newest first')
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    const { snapshotsCommand } = await import('./commands/snapshots.js');
    process.exitCode = await snapshotsCommand(options, program.opts<GlobalOptions>());
  });

program
  .command('restore')
  .description('restore a snapshot (its checksum is checked, and the current state is snapshotted first)')
  .argument('<snapshot>', 'snapshot id (or a unique prefix)')
  .option('--yes', 'without a terminal: go ahead')
  .option('--confirm <env>', "a protected environment's name, typed to allow the restore")
  .action(async (snapshot: string, options: { yes?: boolean; confirm?: string }) => {
    const { restoreCommand } = await import('./commands/snapshots.js');
    process.exitCode = await restoreCommand(snapshot, options, program.opts<GlobalOptions>());
  });

program
  .command('serve')
  .description('the browser console: prints http://127.0.0.1:PORT/?token=… to open; runs until Ctrl-C')
  .option('--port <n>', 'port to listen on (0: any free port)', (value: string) => parsePort(value), DEFAULT_PORT)
  .option('--host <address>', 'address to listen on; anything but loopback lets other machines reach the console', '127.0.0.1')
  .option('--open', 'open the console in a browser, if this machine has one')
  .action(async (options: import('./commands/serve.js').ServeFlags) => {
    const { serveCommand } = await import('./commands/serve.js');
    process.exitCode = await serveCommand(options, program.opts<GlobalOptions>());
  });

program
  .command('history')
  .description('list the recorded versions of a runbook, newest first (version, SHA-256, why, when, who)')
  .argument('<runbook>', 'runbook id or path to a .md file')
  .option('--json', 'print JSON')
  .action(async (runbook: string, options: { json?: boolean }) => {
    const { historyCommand } = await import('./commands/history.js');
    process.exitCode = await historyCommand(runbook, options, program.opts<GlobalOptions>());
  });

program
  .command('diff')
  .description('print a unified diff between two recorded versions of a runbook')
  .argument('<runbook>', 'runbook id or path to a .md file')
  .argument('<from>', 'a version (2.1.0), a SHA-256 prefix from handrail history, or "workspace" for the file as it is now')
  .argument('<to>', 'the same, for the other side')
  .action(async (runbook: string, from: string, to: string) => {
    const { diffCommand } = await import('./commands/diff.js');
    process.exitCode = await diffCommand(runbook, from, to, program.opts<GlobalOptions>());
  });

program
  .command('handover')
  .description("write a handover bundle: the period's runbooks, run reports, audit export and open items")
  .requiredOption('--since <date>', 'from this time on (2026-03-01 or an ISO time; UTC)')
  .option('--until <date>', 'before this time (a day alone counts up to its end; default: now)')
  .option('--team', "every machine's runs of the period, from the team ledger")
  .requiredOption('--out <folder>', 'a new or empty folder to write the bundle into')
  .action(async (options: import('./commands/handover.js').HandoverFlags) => {
    const { handoverCommand } = await import('./commands/handover.js');
    process.exitCode = await handoverCommand(options, program.opts<GlobalOptions>());
  });

program
  .command('record')
  .description('record a runbook: each command (stdin, or typed at a prompt) runs for real on the target and becomes a step; writes FILE at the end')
  .requiredOption('--env <env>', 'the environment to record in (see handrail.yml)')
  .requiredOption('--target <target>', "where the commands run: 'local' or an SSH target of the environment")
  .requiredOption('--title <title>', "the runbook's title (its id is made from it)")
  .requiredOption('--out <file>', 'the runbook file to write (.md; never overwritten)')
  .option('--confirm <env>', "a protected environment's name, typed to record there")
  .option('--accept-host-key <fingerprint>', 'accept an unknown SSH host key (SHA256:…) after checking it (repeatable)', collect, [])
  .option('--yes', 'run commands that look destructive without asking (commands from a pipe need it)')
  .action(async (options: import('./commands/record.js').RecordFlags) => {
    const { recordCommand } = await import('./commands/record.js');
    process.exitCode = await recordCommand(options, program.opts<GlobalOptions>());
  });

program
  .command('import')
  .description('turn a shell script or a Markdown runbook (.md) into a runbook draft on stdout (what to fill in goes to stderr); a folder of .md pages into drafts in --out')
  .argument('<script>', 'the shell script, Markdown page or folder of pages to import')
  .option('--target <name>', 'the target every shell step runs on (local, or a target of handrail.yml)')
  .option('--out <folder>', 'for a folder: where to write the drafts (one new file per page, never overwritten)')
  .action(async (script: string, options: import('./commands/import.js').ImportFlags) => {
    const { importCommand } = await import('./commands/import.js');
    process.exitCode = await importCommand(script, options, program.opts<GlobalOptions>());
  });

program
  .command('link')
  .description("print the console link for an alert rule's runbook_url: it opens the run set-up filled in (never starts it)")
  .argument('<runbook>', 'runbook id')
  .requiredOption('--env <env>', 'the environment the link fills in (or a {{ template }} of the alert)')
  .option('--input <name=value>', 'an input the link fills in (repeatable); a {{ $labels.x }} value is kept as a template', collect, [])
  .option('--incident <id>', "the incident id the link fills in, e.g. '{{ $labels.alertname }}'")
  .option('--port <n>', 'the port of the console the link opens', (value: string) => parsePort(value), DEFAULT_PORT)
  .action(async (runbook: string, options: import('./commands/link.js').LinkFlags) => {
    const { linkCommand } = await import('./commands/link.js');
    process.exitCode = await linkCommand(runbook, options, program.opts<GlobalOptions>());
  });

program
  .command('open')
  .description("open a console link (an alert's runbook_url) in a browser, signed in: in this data folder's running console, or one started for it")
  .argument('<url>', 'the link, quoted: http://127.0.0.1:PORT/run/RUNBOOK?env=…')
  .action(async (url: string) => {
    const { openCommand } = await import('./commands/link.js');
    process.exitCode = await openCommand(url, program.opts<GlobalOptions>());
  });

const audit = program.command('audit').description('check the tamper-evident audit trail').addHelpCommand(false);

audit
  .command('verify')
  .description('recompute the whole audit chain and check its signed checkpoints (exit 3 when tampered with)')
  .option('--json', 'print the result as JSON')
  // With --file the same command checks an export instead of this data directory.
  .option('--file <export>', 'verify an export (audit export --format jsonl) from the file alone')
  .option('--key <fingerprint>', "with --file: the key the export must be signed by (as `audit key` printed it on the exporting machine)")
  .option('--team', "check every machine's chain in the team ledger against its pinned key")
  .option('--machine <machine>', 'with --team: only this machine (its id or host name)')
  .action(async (options: { json?: boolean; file?: string; key?: string; team?: boolean; machine?: string }) => {
    if (options.team) {
      const { teamVerifyCommand } = await import('./commands/team-audit.js');
      process.exitCode = await teamVerifyCommand(options, program.opts<GlobalOptions>());
      return;
    }
    if (options.file !== undefined) {
      const { auditVerifyFileCommand } = await import('./commands/audit-export.js');
      process.exitCode = await auditVerifyFileCommand(options.file, options, program.opts<GlobalOptions>());
      return;
    }
    if (options.key !== undefined) {
      const { UserError } = await import('../app/errors.js');
      throw new UserError('--key checks an export: use it with --file EXPORT; this data directory is always checked against its own key (keys/); nothing was checked');
    }
    const { auditVerifyCommand } = await import('./commands/audit.js');
    process.exitCode = await auditVerifyCommand(options, program.opts<GlobalOptions>());
  });

audit
  .command('key')
  .description("print the SHA-256 fingerprint of this data directory's audit signing key")
  .action(async () => {
    const { auditKeyCommand } = await import('./commands/audit.js');
    process.exitCode = await auditKeyCommand(program.opts<GlobalOptions>());
  });

audit
  .command('search')
  .description('full-text search of audit events and step output, newest first')
  .argument('<text>', 'words that must all occur (word* matches a prefix)')
  .option('--run <run>', 'only this run (id or unique prefix)')
  .option('--operator <name>', 'only what this operator did')
  .option('--env <env>', 'only this environment')
  .option('--since <date>', 'from this time on (2024-05-01 or 2024-05-01T14:30:00Z, UTC)')
  .option('--until <date>', 'before this time (a bare day includes that day)')
  .option('--kind <kind>', 'only events of this kind or family (step, step.failed, review…); output: only step output')
  .option('--incident <id>', 'only what happened in runs started for this incident or ticket')
  .option('--limit <n>', 'at most this many matches (default 100)')
  .option('--json', 'print the matches as JSON')
  .option('--team', "search every machine's events and output in the team ledger")
  .option('--machine <machine>', 'with --team: only this machine (its id or host name)')
  .action(async (text: string, options: import('./commands/audit-search.js').SearchFlags) => {
    const { auditSearchCommand } = await import('./commands/audit-search.js');
    // The global --operator (who is at the keyboard) takes the flag wherever it is written;
    // search records nothing, so an --operator typed on the command line is the filter.
    const global = program.opts<GlobalOptions>();
    const operator = options.operator ?? (program.getOptionValueSource('operator') === 'cli' ? global.operator : undefined);
    process.exitCode = await auditSearchCommand(text, { ...options, operator }, global);
  });

audit
  .command('acknowledge')
  .description('record that a broken audit trail was looked into, so mutating steps may run again (verify keeps naming the break)')
  .requiredOption('--note <text>', 'what was found and why it is safe to go on')
  .action(async (options: { note: string }) => {
    const { auditAcknowledgeCommand } = await import('./commands/audit.js');
    process.exitCode = await auditAcknowledgeCommand(options, program.opts<GlobalOptions>());
  });

audit
  .command('review')
  .description('record your review of a run in the audit trail (shown by handrail show)')
  .argument('<run>', 'run id (or a unique prefix)')
  .requiredOption('--note <text>', 'what you checked and what you concluded')
  .option('--json', 'print the recorded review as JSON')
  .action(async (run: string, options: { note: string; json?: boolean }) => {
    const { auditReviewCommand } = await import('./commands/audit-search.js');
    process.exitCode = await auditReviewCommand(run, options, program.opts<GlobalOptions>());
  });

audit
  .command('export')
  .description('export the audit trail (jsonl: verifiable on another machine) or a handover report (md, html) of a run or a time range')
  .requiredOption('--format <format>', 'jsonl, md or html')
  .option('--run <run>', 'only this run (id or a unique prefix)')
  .option('--since <date>', 'events from this time on (2026-03-01 or an ISO time; UTC)')
  .option('--until <date>', 'events before this time (a day alone counts up to its end)')
  .option('--out <file>', 'write to this file (whole or not at all, mode 0600) instead of stdout')
  .option('--team', 'export from the team ledger: jsonl writes one verifiable file per machine into the --out folder')
  .option('--machine <machine>', 'with --team: only this machine (its id or host name)')
  .action(async (options: import('./commands/audit-export.js').ExportFlags) => {
    const { auditExportCommand } = await import('./commands/audit-export.js');
    process.exitCode = await auditExportCommand(options, program.opts<GlobalOptions>());
  });

const team = program.command('team').description('the team ledger on PostgreSQL: shared trail, team locks, an outside witness').addHelpCommand(false);

team
  .command('init')
  .description("create or upgrade the ledger (schema handrail, roles handrail_writer and handrail_reader); run once by the database's administrator")
  .option('--admin-url <url>', 'a login that may create a schema and roles (default: team.postgres of handrail.yml)')
  .option('--password-env <name>', 'the environment variable holding that login\'s password')
  .action(async (options: import('./commands/team.js').TeamInitFlags) => {
    const { teamInitCommand } = await import('./commands/team.js');
    process.exitCode = await teamInitCommand(options, program.opts<GlobalOptions>());
  });

team
  .command('status')
  .description("whether the ledger answers, this machine's id and key, events waiting to ship, held team locks")
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    const { teamStatusCommand } = await import('./commands/team.js');
    process.exitCode = await teamStatusCommand(options, program.opts<GlobalOptions>());
  });

team
  .command('ship')
  .description('ship the events waiting for the ledger now (runs ship in the background by themselves)')
  .action(async () => {
    const { teamShipCommand } = await import('./commands/team.js');
    process.exitCode = await teamShipCommand(program.opts<GlobalOptions>());
  });

team
  .command('unlock')
  .description("release a team lock a crashed run keeps (recorded here and in the ledger)")
  .argument('<lock>', 'lock id (or a unique prefix), as a refusal or team status shows it')
  .requiredOption('--note <text>', 'why (kept in the trail and the ledger)')
  .action(async (lock: string, options: { note: string }) => {
    const { teamUnlockCommand } = await import('./commands/team.js');
    process.exitCode = await teamUnlockCommand(lock, options, program.opts<GlobalOptions>());
  });

for (const command of [...program.commands, ...audit.commands, ...team.commands]) {
  command.exitOverride().configureOutput({
    outputError: (message) => fail(`${command.name()}: ${message.replace(/^error:\s*/, '').replace(/\n+/g, ' ').trim()}`),
  });
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version exit 0; every usage error is a refusal (2).
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    process.exitCode = reportError(error, program.opts<GlobalOptions>());
  }
}
