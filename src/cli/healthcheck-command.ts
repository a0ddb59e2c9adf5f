import type { CommandContext } from './command-context';
import { serverSettings } from './server-settings';

/**
 * `grok2api healthcheck [url]`: exit 0 when the local gateway answers /health. Container images
 * without a shell or curl (distroless) run this as their HEALTHCHECK.
 */
export async function healthcheckCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const { port } = serverSettings(context.env);
  const url = argv[0] ?? `http://127.0.0.1:${port}/health`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    context.out(`${response.status} ${url}`);
    return response.ok ? 0 : 1;
  } catch (error) {
    context.err(`${url}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
