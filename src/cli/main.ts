// The `handrail` command. Heavy modules (parsers, the store) load inside each command's
// action, so `handrail --help` starts in a few tens of milliseconds.
import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import type { GlobalOptions } from './global-options.js';
import { fail, reportError } from './output.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('handrail')
  .description('Walk through versioned runbooks with snapshots before every change and a tamper-evident audit trail.')
  .version(pkg.version, '-V, --version', 'print the version')
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

for (const command of program.commands) {
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
    process.exitCode = reportError(error);
  }
}
