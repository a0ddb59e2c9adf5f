/**
 * Starts a benchmark's helper process (simulator, gateway, proxy) and waits until its stdout
 * says where it listens. Its stdout keeps being drained, so the child never blocks on a full pipe.
 */
export async function startProcess(command: string[], env: Record<string, string>, ready: RegExp) {
  const child = Bun.spawn(command, { env: { ...process.env, ...env }, stdout: 'pipe', stderr: 'inherit' });
  const reader = child.stdout.getReader();
  let output = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`${command.join(' ')} exited: ${output}`);
    output += new TextDecoder().decode(value);
    const match = ready.exec(output);
    if (match) {
      void (async () => {
        while (!(await reader.read()).done);
      })();
      return { child, url: match[1]! };
    }
  }
}
