import { afterAll, beforeAll, expect, test } from 'bun:test';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import packageJson from '../../package.json';
import { browserBundle } from '../../src/http/browser-bundle';
import { portIsFree, startBinary } from './run-binary';

/**
 * The compiled executable as an operator meets it: an empty environment except DATA_DIR, the
 * operator commands, and the way the Docker image runs it (non-root, read-only working directory,
 * only the data folder writable).
 */

let workDir: string;
let binary: string;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'grok2api-binary-'));
  chmodSync(workDir, 0o755);
  binary = join(workDir, 'grok2api');
  const build = Bun.spawnSync([process.execPath, 'scripts/build.ts', '--outfile', binary], {
    stdout: 'pipe',
    stderr: 'pipe',
  });
  if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr.toString()}`);
}, 120_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

test('--version prints the version, commit and build date baked in at build time', () => {
  const run = Bun.spawnSync([binary, '--version'], { stdout: 'pipe', env: {} });
  expect(run.exitCode).toBe(0);
  const commit = Bun.spawnSync(['git', 'rev-parse', '--short', 'HEAD'], { stdout: 'pipe' }).stdout.toString().trim();
  expect(run.stdout.toString().trim()).toMatch(
    new RegExp(
      `^grok2api ${packageJson.version.replaceAll('.', '\\.')} \\(commit ${commit}, built \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ, bun `,
    ),
  );
});

test('with only DATA_DIR set: import, serve /health /ready /metrics, stop on SIGTERM, export', async () => {
  const dataDir = join(workDir, 'data-empty-env');
  const cwd = join(workDir, 'cwd-empty-env');
  mkdirSync(cwd);
  writeFileSync(join(workDir, 'accounts.txt'), 'binary-token-1\nbinary-token-2\n');
  const onlyDataDir = { DATA_DIR: dataDir };

  const imported = Bun.spawnSync([binary, 'import', join(workDir, 'accounts.txt')], {
    env: onlyDataDir,
    cwd,
    stdout: 'pipe',
    stderr: 'pipe',
  });
  expect(imported.exitCode).toBe(0);
  expect(JSON.parse(imported.stdout.toString())).toMatchObject({ format: 'text', added: 2, storage: 'sqlite' });

  // The default port is what this test is about; only if another run holds it, fall back to any free port.
  const env: Record<string, string> = portIsFree(8000) ? onlyDataDir : { ...onlyDataDir, SERVER_PORT: '0' };
  const server = await startBinary([binary], { env, cwd });
  try {
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      storage: { kind: 'sqlite', status: 'ok' },
      accounts: { active: 2 },
    });
    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(await metrics.text()).toContain('grok2api_accounts{pool="ssoBasic",status="active"} 2');
    // The default admin password, since nothing else is configured.
    const status = (await (
      await fetch(`${server.url}/v1/admin/status`, { headers: { authorization: 'Bearer grok2api' } })
    ).json()) as Record<string, any>;
    expect(status).toMatchObject({ version: packageJson.version, storage: { kind: 'sqlite', status: 'ok' } });
    expect(status.build_date).toMatch(/^\d{4}-\d\d-\d\dT/);
  } finally {
    expect(await server.stop()).toBe(0);
  }
  expect(readdirSync(cwd)).toEqual([]); // nothing written outside DATA_DIR
  expect(readdirSync(join(dataDir, 'logs')).some((name) => name.endsWith('.log'))).toBe(true);

  const exported = Bun.spawnSync([binary, 'export'], { env: onlyDataDir, cwd, stdout: 'pipe', stderr: 'pipe' });
  expect(exported.exitCode).toBe(0);
  const pools = JSON.parse(exported.stdout.toString()) as Record<string, { token: string }[]>;
  expect(pools.ssoBasic!.map((entry) => entry.token).sort()).toEqual(['binary-token-1', 'binary-token-2']);
}, 60_000);

const isRoot = process.getuid?.() === 0;
/** The runtime user of the Dockerfile, so this test and the image cannot drift apart. */
const imageUser = /^USER (\d+):(\d+)$/m.exec(readFileSync('Dockerfile', 'utf8'))!;

test.skipIf(!isRoot)(
  'runs as the image does: the Dockerfile USER, read-only working directory, only /data writable',
  async () => {
    const root = join(workDir, 'image-root');
    const data = join(root, 'data');
    mkdirSync(data, { recursive: true });
    chmodSync(root, 0o555); // like the image's read-only root: the process may not create files here
    Bun.spawnSync(['chown', `${imageUser[1]}:${imageUser[2]}`, data]);
    // The image's ENV, with any free port instead of 8000.
    const env = { DATA_DIR: data, SERVER_PORT: '0', SERVER_HOST: '127.0.0.1', LOG_FORMAT: 'json' };
    const asNobody = ['setpriv', `--reuid=${imageUser[1]}`, `--regid=${imageUser[2]}`, '--clear-groups', binary];
    const server = await startBinary(asNobody, { env, cwd: root });
    try {
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      expect(
        ((await (await fetch(`${server.url}/ready`)).json()) as { storage: { status: string } }).storage.status,
      ).toBe('ok');
      // What the image's HEALTHCHECK runs, as the same user.
      const probe = Bun.spawnSync([...asNobody, 'healthcheck', `${server.url}/health`], {
        env,
        cwd: root,
        stdout: 'pipe',
      });
      expect(probe.exitCode).toBe(0);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    const written = readdirSync(data).sort();
    expect(written).toContain('grok2api.db');
    expect(written).toContain('logs');
    const stopped = Bun.spawnSync([...asNobody, 'healthcheck', `${server.url}/health`], {
      env,
      cwd: root,
      stdout: 'pipe',
      stderr: 'pipe',
    });
    expect(stopped.exitCode).toBe(1);
  },
  60_000,
);

test('inside the binary, impit (upstream.http_client) and the gateway WebSocket both reach the upstream; wreq says it cannot load', async () => {
  const { startSimulator } = await import('../../src/simulator/server');
  const simulator = await startSimulator({ accounts: [{ token: 'binary-account', tier: 'basic' }] });
  const dataDir = join(workDir, 'data-impit');
  require('node:fs').mkdirSync(dataDir, { recursive: true });
  await Bun.write(join(dataDir, 'token.json'), JSON.stringify({ ssoBasic: ['binary-account'] }));
  const start = (transport: string, httpClient: string) =>
    Bun.spawn([binary], {
      // Run from the temporary folder: no node_modules next to it, so impit must be inside the binary.
      cwd: workDir,
      env: {
        PATH: process.env.PATH ?? '',
        DATA_DIR: dataDir,
        SERVER_HOST: '127.0.0.1',
        SERVER_PORT: '0',
        LOG_FILE_ENABLED: 'false',
        GROK_BASE_URL: simulator.url,
        GROK_ASSETS_URL: simulator.url,
        GROK2API_APP_API_KEY: 'sk-binary',
        GROK2API_TOKEN_AUTO_REFRESH: 'false',
        GROK2API_UPSTREAM_HTTP_CLIENT: httpClient,
        GROK2API_UPSTREAM_CHAT_TRANSPORT: transport,
      },
      stdout: 'pipe',
      stderr: 'pipe',
    });
  try {
    for (const [transport, httpClient] of [
      ['rest', 'impit'],
      ['ws', 'impit'],
      ['rest', 'wreq'],
    ] as const) {
      const child = start(transport, httpClient);
      const reader = child.stdout.getReader();
      let output = '';
      let url: string | null = null;
      while (!url) {
        const { done, value } = await reader.read();
        if (done) throw new Error(`binary exited before listening: ${output}`);
        output += new TextDecoder().decode(value);
        url = /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1] ?? null;
      }
      reader.releaseLock();
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-binary', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'from the binary' }] }),
      });
      if (httpClient === 'wreq') {
        // wreq-js resolves its native package by name at run time: not possible from the binary.
        expect(response.status).toBe(502);
        expect(await response.text()).toContain('http_client = \\"wreq\\": its native module could not be loaded');
      } else {
        expect(response.status).toBe(200);
      }
      child.kill('SIGTERM');
      await child.exited;
    }
    const paths = simulator.requests.map((request) => `${request.method} ${request.path}`);
    expect(paths).toContain('POST /rest/app-chat/conversations/new');
    expect(paths).toContain('GET /ws/mgw/');
    // impit sent the REST call (Bun's fetch would add "connection: keep-alive").
    const restChats = simulator.requests.filter((request) => request.path === '/rest/app-chat/conversations/new');
    expect(restChats).toHaveLength(1);
    expect(restChats[0]!.headers.connection).toBeUndefined();
  } finally {
    await simulator.stop();
  }
}, 60_000);

test('the console, playground and docs pages are embedded in the binary and served from it', async () => {
  const executable = readFileSync(binary);
  const server = await startBinary([binary], {
    env: { DATA_DIR: join(workDir, 'data-console'), SERVER_PORT: '0', GROK2API_APP_FUNCTION_ENABLED: 'true' },
    cwd: workDir,
  });
  const served = async (url: string) => {
    const response = await fetch(`${server.url}${url}`);
    expect([url, response.status]).toEqual([url, 200]);
    return response.text();
  };
  try {
    // Files served as they are: their bytes are inside the executable (not read from this checkout
    // at run time), and the running binary serves them.
    for (const [url, file] of [
      ['/admin', 'public/admin/index.html'],
      ['/admin/assets/console.css', 'public/admin/console.css'],
      ['/favicon.svg', 'public/admin/favicon.svg'],
      ['/playground', 'public/playground/index.html'],
      ['/playground/assets/playground.css', 'public/playground/playground.css'],
      ['/docs', 'public/docs/index.html'],
      ['/docs/assets/swagger-ui-bundle.js', 'node_modules/swagger-ui-dist/swagger-ui-bundle.js'],
    ] as const) {
      const source = readFileSync(file, 'utf8');
      expect(executable.includes(Buffer.from(source.slice(0, 200)))).toBe(true);
      expect(await served(url)).toBe(source);
    }
    // Each page's script is its TypeScript modules bundled into one when the binary was built.
    for (const [url, entry, marker] of [
      ['/admin/assets/console.js', 'public/admin/main.ts', '/v1/admin/console/accounts'],
      ['/playground/assets/playground.js', 'public/playground/main.ts', '/v1/function'],
      ['/docs/assets/docs.js', 'public/docs/main.ts', '/docs/json'],
    ] as const) {
      const bundle = await served(url);
      expect(bundle).toBe(browserBundle(entry));
      expect(bundle).toContain(marker);
      expect(bundle).not.toMatch(/from\s*["'](?:\.|dompurify|marked|highlight\.js)/);
    }
    // marked, DOMPurify and highlight.js are inside the playground's bundle.
    expect(await served('/playground/assets/playground.js')).toContain('hljs');
  } finally {
    await server.stop();
  }
});
