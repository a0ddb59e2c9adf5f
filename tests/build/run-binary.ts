/** Starting a compiled grok2api as a child process and finding the URL it listens on. */

export interface RunningBinary {
  url: string;
  output: () => string;
  stop(): Promise<number>;
}

export async function startBinary(
  command: string[],
  options: { env: Record<string, string>; cwd?: string },
): Promise<RunningBinary> {
  const child = Bun.spawn(command, { env: options.env, cwd: options.cwd, stdout: 'pipe', stderr: 'pipe' });
  let output = '';
  const decoder = new TextDecoder();
  const reader = child.stdout.getReader();
  let url: string | null = null;
  while (!url) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`binary exited before listening: ${output}${await new Response(child.stderr).text()}`);
    output += decoder.decode(value);
    url = /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1] ?? null;
  }
  // Keep draining so the child never blocks on a full pipe.
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      output += decoder.decode(value);
    }
  })();
  return {
    url,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      return child.exited;
    },
  };
}

/** True when nothing listens on the port (the binary's default 8000 may be taken by another run). */
export function portIsFree(port: number): boolean {
  try {
    const probe = Bun.listen({ hostname: '0.0.0.0', port, socket: { data() {} } });
    probe.stop(true);
    return true;
  } catch {
    return false;
  }
}
