/** What a command may touch, injected so tests run commands in-process. */
export interface CommandContext {
  env: Record<string, string | undefined>;
  out: (line: string) => void;
  /** Raw text to standard output (exports). */
  write: (text: string) => void;
  err: (line: string) => void;
  readStdin: () => Promise<string>;
}

export function processContext(): CommandContext {
  return {
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    write: (text) => process.stdout.write(text),
    err: (line) => process.stderr.write(`${line}\n`),
    readStdin: () => Bun.stdin.text(),
  };
}
