import { runCli } from './cli/main';
import { processContext } from './cli/command-context';

/** Entry point: `grok2api [command]` (or `bun src/index.ts`). Commands live in src/cli. */
runCli(process.argv.slice(2), processContext()).then(
  (status) => {
    if (status !== 'running') process.exit(status);
  },
  (error) => {
    console.error(`grok2api failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
