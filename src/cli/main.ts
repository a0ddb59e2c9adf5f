import { versionLine } from '../version';
import { UsageError } from './arguments';
import { checkConfigCommand } from './check-config-command';
import type { CommandContext } from './command-context';
import { exportCommand } from './export-command';
import { healthcheckCommand } from './healthcheck-command';
import { HELP } from './help';
import { importCommand } from './import-command';
import { migrateCommand } from './migrate-command';
import { serveCommand } from './serve-command';

type Command = (argv: readonly string[], context: CommandContext) => Promise<number | 'running'>;

const COMMANDS: Readonly<Record<string, Command>> = {
  serve: serveCommand,
  import: importCommand,
  export: exportCommand,
  migrate: migrateCommand,
  'check-config': checkConfigCommand,
  healthcheck: healthcheckCommand,
};

/** Returns the exit status, or 'running' when the command keeps the process alive (serve). */
export async function runCli(argv: readonly string[], context: CommandContext): Promise<number | 'running'> {
  if (argv.includes('--version') || argv[0] === 'version') {
    context.out(versionLine());
    return 0;
  }
  if (argv.includes('--help') || argv.includes('-h') || argv[0] === 'help') {
    context.out(HELP);
    return 0;
  }
  const [first, ...rest] = argv;
  // Bare options (e.g. the supervisor's --worker) mean serve, as before commands existed.
  const name = first === undefined || first.startsWith('--') ? 'serve' : first;
  const command = COMMANDS[name];
  if (!command) {
    context.err(`unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}. See grok2api --help.`);
    return 2;
  }
  try {
    return await command(name === first ? rest : argv, context);
  } catch (error) {
    if (error instanceof UsageError) {
      context.err(`${error.message}. See grok2api --help.`);
      return 2;
    }
    throw error;
  }
}
