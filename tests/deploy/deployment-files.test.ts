import { describe, expect, test } from 'bun:test';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { Copy, DockerfileParser } from 'dockerfile-ast';
import { validate as validateDockerfile } from 'dockerfile-utils';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { openStorage } from '../../src/storage';

/**
 * The deployment files are linted with the linters available from npm (dclint for Compose,
 * dockerfile-utils for the Dockerfile, taplo for TOML, yaml's strict parser) and checked against
 * each other and the deployment guide (docs/deploy.md): same port, same data folder, same health
 * path, same commands.
 */

const read = (path: string) => readFileSync(path, 'utf8');
const deployGuide = read('docs/deploy.md');

function run(command: string[]) {
  const result = Bun.spawnSync(command, { stdout: 'pipe', stderr: 'pipe' });
  return { exitCode: result.exitCode, output: result.stdout.toString() + result.stderr.toString() };
}

/** Command lines quoted in a file's leading comments (`#   docker compose …`). */
function commentedCommands(text: string, prefix: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('#'))
    .map((line) => line.replace(/^#\s*/, '').trim())
    .filter((line) => line.startsWith(prefix));
}

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const dockerfile = DockerfileParser.parse(text);
  const instructions = dockerfile.getInstructions();
  const runtime = instructions.slice(instructions.map((instruction) => instruction.getKeyword()).lastIndexOf('FROM'));
  const argumentsOf = (keyword: string) =>
    runtime
      .filter((instruction) => instruction.getKeyword() === keyword)
      .map((instruction) => instruction.getArgumentsContent() ?? '');
  const environment = Object.fromEntries(
    argumentsOf('ENV')
      .join(' ')
      .replace(/\\\s*\n/g, ' ')
      .split(/\s+/)
      .filter((pair) => pair.includes('='))
      .map((pair) => pair.split('=') as [string, string]),
  );

  test('lints clean', () => {
    expect(
      validateDockerfile(text).map((diagnostic) => `${diagnostic.range.start.line + 1}: ${diagnostic.message}`),
    ).toEqual([]);
  });

  test('two stages: builds with Bun from npm ci, runs the executable as a non-root user with /data as its volume', () => {
    expect(instructions.filter((instruction) => instruction.getKeyword() === 'FROM')).toHaveLength(2);
    expect(text).toContain('RUN npm ci');
    expect(text).toContain('./node_modules/.bin/bun scripts/build.ts --outfile /out/grok2api');
    const user = argumentsOf('USER')[0]!;
    expect(user).not.toMatch(/^(0|root)(:|$)/);
    expect(argumentsOf('VOLUME')[0]).toContain('/data');
    expect(environment.DATA_DIR).toBe('/data');
    expect(argumentsOf('EXPOSE')).toEqual([environment.SERVER_PORT!]);
    expect(argumentsOf('HEALTHCHECK')[0]).toContain('"/usr/local/bin/grok2api", "healthcheck"');
    expect(argumentsOf('ENTRYPOINT')[0]).toBe('["/usr/local/bin/grok2api"]');
    // The data folder is handed to the runtime user, or a fresh volume would not be writable.
    expect(text).toMatch(new RegExp(`COPY --from=build --chown=${user} /out/data /data`));
  });

  test('everything the build copies exists and is not excluded by .dockerignore', () => {
    const ignored = read('.dockerignore').split('\n').filter(Boolean);
    const sources = instructions
      .filter(
        (instruction) =>
          instruction instanceof Copy && !instruction.getFlags().some((flag) => flag.getName() === 'from'),
      )
      .flatMap((instruction) => (instruction.getArgumentsContent() ?? '').split(/\s+/).slice(0, -1));
    expect(sources.sort()).toEqual(['package-lock.json', 'package.json', 'public', 'scripts', 'src', 'tsconfig.json']);
    for (const source of sources) {
      expect(existsSync(source)).toBe(true);
      expect(ignored).not.toContain(source);
    }
  });
});

describe('docker-compose.yml', () => {
  const compose = parseYaml(read('docker-compose.yml'), { uniqueKeys: true }) as {
    services: Record<
      string,
      {
        ports?: string[];
        volumes?: string[];
        environment?: Record<string, string>;
        profiles?: string[];
        read_only?: boolean;
      }
    >;
  };
  const gateway = compose.services.grok2api!;

  test('dclint (Compose schema and best practices) reports nothing', () => {
    const result = run([process.execPath, 'node_modules/dclint/bin/dclint.cjs', 'docker-compose.yml']);
    expect(result).toEqual({ exitCode: 0, output: expect.not.stringContaining('problem') });
  });

  test("the seed's HOST_PORT:SERVER_PORT mapping, /data in a volume, a read-only root", () => {
    expect(gateway.ports).toEqual(['${HOST_PORT:-8000}:${SERVER_PORT:-8000}']);
    expect(gateway.environment!.SERVER_PORT).toBe('${SERVER_PORT:-8000}');
    expect(gateway.volumes).toEqual(['grok2api-data:/data']);
    expect(gateway.read_only).toBe(true);
    expect(deployGuide).toContain('`${HOST_PORT:-8000}:${SERVER_PORT:-8000}`');
  });

  test('each database profile has an env file whose SERVER_STORAGE_* point at that service, and the deployment guide says so', async () => {
    for (const [profile, type] of [
      ['redis', 'redis'],
      ['postgres', 'pgsql'],
      ['mysql', 'mysql'],
    ] as const) {
      const service = compose.services[profile]!;
      expect(service.profiles).toEqual([profile]);
      const file = `deploy/compose/${profile}.env`;
      const values = Object.fromEntries(
        read(file)
          .split('\n')
          .filter((line) => line && !line.startsWith('#'))
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      expect(values.COMPOSE_PROFILES).toBe(profile);
      expect(values.SERVER_STORAGE_TYPE).toBe(type);
      const url = new URL(values.SERVER_STORAGE_URL!);
      expect(url.hostname).toBe(profile);
      if (values.DATABASE_PASSWORD) expect(decodeURIComponent(url.password)).toBe(values.DATABASE_PASSWORD);
      // A storage type grok2api knows (the driver may come from another build), never an unknown one.
      const opened = openStorage({ type, url: values.SERVER_STORAGE_URL, dataDir: '/nonexistent' }).then(
        (storage) => storage.close().then(() => 'opened'),
        (error: Error) => error.message,
      );
      expect(await opened).not.toContain('unknown storage type');
      expect(deployGuide).toContain(`docker compose --env-file ${file} up -d`);
      expect(deployGuide).toContain(`SERVER_STORAGE_TYPE=${type}`);
      expect(deployGuide).toContain(`\`${values.SERVER_STORAGE_URL}\``);
    }
    for (const command of commentedCommands(read('docker-compose.yml'), 'docker compose'))
      expect(deployGuide).toContain(command);
  });
});

describe('fly.toml', () => {
  const text = read('fly.toml');
  const fly = parseToml(text) as {
    build: { dockerfile: string };
    env: Record<string, string>;
    mounts: { source: string; destination: string }[];
    http_service: {
      internal_port: number;
      auto_stop_machines: string;
      auto_start_machines: boolean;
      checks: { path: string; method: string }[];
    };
  };

  test('taplo lints it clean', () => {
    expect(
      run([process.execPath, 'node_modules/@taplo/cli/dist/cli.js', 'lint', '--no-schema', 'fly.toml']).exitCode,
    ).toBe(0);
  });

  test('volume on DATA_DIR, the port the image listens on, /health checks, auto-stop', () => {
    expect(existsSync(fly.build.dockerfile)).toBe(true);
    expect(fly.mounts).toEqual([{ source: 'grok2api_data', destination: '/data' }]);
    expect(fly.env.DATA_DIR).toBe('/data');
    expect(fly.http_service.internal_port).toBe(Number(fly.env.SERVER_PORT));
    expect(read('Dockerfile')).toContain(`EXPOSE ${fly.http_service.internal_port}`);
    expect(fly.http_service.checks).toEqual([expect.objectContaining({ method: 'GET', path: '/health' })]);
    expect(['off', 'stop', 'suspend']).toContain(fly.http_service.auto_stop_machines);
    expect(fly.http_service.auto_start_machines).toBe(true);
  });

  test('the deployment guide gives the same steps and volume name', () => {
    const commands = commentedCommands(text, 'fly ');
    expect(commands.length).toBe(4);
    for (const command of commands) expect(deployGuide).toContain(command);
    expect(deployGuide).toContain(`\`${fly.mounts[0]!.source}\` mounted at \`${fly.mounts[0]!.destination}\``);
  });
});

describe('render.yaml', () => {
  // The Blueprint fields we use, with the values Render accepts for them.
  const EnvironmentVariable = Type.Union([
    Type.Object({ key: Type.String(), value: Type.String() }, { additionalProperties: false }),
    Type.Object({ key: Type.String(), sync: Type.Literal(false) }, { additionalProperties: false }),
    Type.Object({ key: Type.String(), generateValue: Type.Literal(true) }, { additionalProperties: false }),
  ]);
  const Blueprint = Type.Object(
    {
      services: Type.Array(
        Type.Object(
          {
            type: Type.Literal('web'),
            name: Type.String(),
            runtime: Type.Literal('docker'),
            plan: Type.Union(['free', 'starter', 'standard', 'pro'].map((plan) => Type.Literal(plan))),
            dockerfilePath: Type.String(),
            autoDeploy: Type.Boolean(),
            healthCheckPath: Type.String(),
            envVars: Type.Array(EnvironmentVariable),
          },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false },
  );
  const render = parseYaml(read('render.yaml'), { uniqueKeys: true, strict: true }) as typeof Blueprint.static;
  const service = render.services[0]!;
  const environment = Object.fromEntries(
    service.envVars.map((variable) => [variable.key, 'value' in variable ? variable.value : null]),
  );

  test('is a valid Blueprint of the fields we use', () => {
    expect([...Value.Errors(Blueprint, render)].map((error) => `${error.path}: ${error.message}`)).toEqual([]);
    expect(existsSync(service.dockerfilePath)).toBe(true);
  });

  test("the seed's free-instance advice: data in /tmp, no log files, /health check, external storage in the deployment guide", () => {
    expect(service.plan).toBe('free');
    expect(environment.DATA_DIR).toBe('/tmp/data');
    expect(environment.LOG_FILE_ENABLED).toBe('false');
    expect(environment.PORT).toBe(environment.SERVER_PORT);
    expect(service.healthCheckPath).toBe('/health');
    expect(environment).toHaveProperty('SERVER_STORAGE_URL', null); // asked for at set-up, never committed
    expect(deployGuide).toContain('`DATA_DIR=/tmp/data`');
    expect(deployGuide).toContain('`LOG_FILE_ENABLED=false`');
    expect(deployGuide).toContain('`autoDeploy: false`');
    expect(deployGuide).toMatch(/external PostgreSQL or\s+Redis/);
  });
});

describe('vercel.json', () => {
  // The fields we use, with the values Vercel documents for them (openapi.vercel.sh/vercel.json).
  const closed = { additionalProperties: false };
  const Project = Type.Object(
    {
      $schema: Type.Literal('https://openapi.vercel.sh/vercel.json'),
      framework: Type.Null(),
      bunVersion: Type.Literal('1.x'),
      installCommand: Type.String(),
      buildCommand: Type.String(),
      functions: Type.Record(
        Type.String(),
        Type.Object({ maxDuration: Type.Integer({ minimum: 1, maximum: 800 }) }, closed),
      ),
      rewrites: Type.Array(Type.Object({ source: Type.String(), destination: Type.String() }, closed)),
    },
    { additionalProperties: false },
  );
  const vercel = JSON.parse(read('vercel.json')) as typeof Project.static;

  test('runs every path on one Bun function that exists', () => {
    expect([...Value.Errors(Project, vercel)].map((error) => `${error.path}: ${error.message}`)).toEqual([]);
    expect(Object.keys(vercel.functions)).toEqual(['api/index.ts']);
    expect(existsSync('api/index.ts')).toBe(true);
    expect(vercel.rewrites).toEqual([{ source: '/(.*)', destination: '/api' }]);
    expect(vercel.installCommand).toBe('npm ci');
  });

  test('the function serves the gateway: /health and the admin API answer through its fetch export', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'grok2api-vercel-'));
    const script = [
      "const handler = (await import('./api/index.ts')).default;",
      "const health = await handler.fetch(new Request('http://example.test/health'));",
      "const headers = { authorization: 'Bearer vercel-admin' };",
      "const storage = await handler.fetch(new Request('http://example.test/v1/admin/storage', { headers }));",
      'console.log(JSON.stringify([health.status, await health.json(), storage.status, await storage.json()]));',
      'process.exit(0);',
    ].join('\n');
    const result = Bun.spawnSync([process.execPath, '-e', script], {
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        GROK2API_APP_APP_KEY: 'vercel-admin',
        GROK2API_TOKEN_AUTO_REFRESH: 'false',
        LOG_LEVEL: 'error',
      },
      stdout: 'pipe',
      stderr: 'pipe',
    });
    rmSync(dataDir, { recursive: true, force: true });
    expect(result.stderr.toString()).toBe('');
    const answers = JSON.parse(result.stdout.toString().trim().split('\n').at(-1)!);
    expect(answers).toEqual([200, { status: 'ok' }, 200, { type: 'local' }]);
  });

  test('the deployment guide says local storage does not survive on Vercel and which storage to use', () => {
    expect(deployGuide).toContain('## Vercel');
    const section = deployGuide.slice(deployGuide.indexOf('## Vercel'));
    expect(section).toContain('`bunVersion`');
    expect(section).toContain('SERVER_STORAGE_URL');
    expect(section).toMatch(/PostgreSQL/);
  });
});
