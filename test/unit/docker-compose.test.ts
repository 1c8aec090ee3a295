import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// No Docker engine on our machines: check the shape of the deployment files instead of running them.
const ROOT = resolve(import.meta.dirname, '..', '..');

type Service = Record<string, unknown>;

interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

/** Parsed like Compose does, with YAML merge keys (`<<: *anchor`) applied. */
function readCompose(): ComposeFile {
  return parse(readFileSync(resolve(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as ComposeFile;
}

function service(name: string): Service {
  const found = readCompose().services[name];
  if (found === undefined) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

/** A healthcheck `test` as one command line, whichever form (string, CMD or CMD-SHELL list) it takes. */
function healthcheckCommand(svc: Service): string {
  const test = (svc.healthcheck as { test?: unknown } | undefined)?.test;
  if (typeof test === 'string') return test;
  if (Array.isArray(test)) return test.slice(1).join(' ');
  return '';
}

/** Named volumes a service mounts (`name:/path` or long syntax with type volume), not bind mounts. */
function namedVolumes(svc: Service): string[] {
  const mounts = (svc.volumes as unknown[] | undefined) ?? [];
  return mounts.flatMap((mount) => {
    if (typeof mount === 'string') {
      const source = mount.split(':')[0] ?? '';
      return mount.includes(':') && !/^[./~]/.test(source) ? [source] : [];
    }
    const long = mount as { type?: string; source?: string };
    return long.type === 'volume' && long.source ? [long.source] : [];
  });
}

function environmentOf(svc: Service): Record<string, string> {
  const env = svc.environment;
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry: string) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
    );
  }
  return (env ?? {}) as Record<string, string>;
}

const ROLES = ['bot', 'worker', 'web'] as const;

describe('docker-compose.yml', () => {
  it('runs postgres:16 on a named volume with a pg_isready healthcheck for the herald database', () => {
    const postgres = service('postgres');
    expect(postgres.image).toBe('postgres:16');
    expect(postgres.volumes).toEqual(
      expect.arrayContaining([expect.stringMatching(/:\/var\/lib\/postgresql\/data$/)]),
    );
    expect(namedVolumes(postgres)).toHaveLength(1);
    expect(environmentOf(postgres)).toMatchObject({
      POSTGRES_USER: 'herald',
      POSTGRES_PASSWORD: 'herald',
      POSTGRES_DB: 'herald',
    });
    const check = healthcheckCommand(postgres);
    expect(check).toMatch(/^pg_isready\b/);
    expect(check).toMatch(/-U herald\b/);
    expect(check).toMatch(/-d herald\b/);
    expect(postgres.healthcheck).toMatchObject({
      interval: expect.any(String),
      timeout: expect.any(String),
      retries: expect.any(Number),
    });
  });

  it.each(ROLES)('builds the %s role from this folder and starts it with --role', (role) => {
    const svc = service(role);
    expect(svc.build).toBe('.');
    expect(svc.command).toEqual(['start', '--role', role]);
    expect(svc.restart).toBe('unless-stopped');
  });

  it.each(ROLES)('starts the %s role only once postgres is healthy and points it at that server', (role) => {
    const svc = service(role);
    expect(svc.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' } });
    const url = new URL(environmentOf(svc).DATABASE_URL ?? 'missing:');
    expect(url.protocol).toBe('postgres:');
    expect(url.hostname).toBe('postgres');
    expect(url.port).toBe('5432');
    expect(url.pathname).toBe('/herald');
  });

  it.each(ROLES)('reads an optional .env into the %s role', (role) => {
    expect(service(role).env_file).toEqual([{ path: '.env', required: false }]);
  });

  it('shares one data folder between the roles, so they use the same generated encryption key', () => {
    const mounts = ROLES.map((role) => namedVolumes(service(role)));
    expect(mounts[0]).toHaveLength(1);
    for (const volumes of mounts) expect(volumes).toEqual(mounts[0]);
    for (const role of ROLES) expect(service(role).volumes).toEqual([expect.stringMatching(/:\/app\/data$/)]);
  });

  it('publishes the web role on port 3000 (overridable with PORT) and checks its /healthz', () => {
    const web = service('web');
    expect(web.ports).toEqual(['${PORT:-3000}:3000']);
    expect(environmentOf(web).PORT).toBe('3000');
    expect(healthcheckCommand(web)).toContain('http://127.0.0.1:3000/healthz');
  });

  it('turns off the image healthcheck for the roles that serve no HTTP', () => {
    expect(service('bot').healthcheck).toEqual({ disable: true });
    expect(service('worker').healthcheck).toEqual({ disable: true });
  });

  it('declares every named volume a service mounts', () => {
    const compose = readCompose();
    const used = Object.values(compose.services).flatMap(namedVolumes);
    expect(used.length).toBeGreaterThan(0);
    const declared = Object.keys(compose.volumes ?? {});
    for (const name of used) expect(declared).toContain(name);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(resolve(ROOT, 'Dockerfile'), 'utf8');
  /** Instructions with line continuations joined, comments dropped. */
  const instructions = dockerfile
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const withKeyword = (keyword: string) =>
    instructions.filter((line) => line.split(/\s+/)[0]?.toUpperCase() === keyword);

  it('builds every stage on Node 22', () => {
    const from = withKeyword('FROM');
    expect(from.length).toBeGreaterThan(0);
    for (const line of from) expect(line).toMatch(/^FROM\s+node:22[-.\w]*(\s+AS\s+\w+)?$/i);
  });

  it('installs the locked production dependencies with npm ci', () => {
    expect(withKeyword('RUN').join('\n')).toMatch(/\bnpm ci\b[^\n]*--omit=dev/);
  });

  it('runs as a non-root user', () => {
    const users = withKeyword('USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^USER\s+(root|0)(:|\s|$)/i);
  });

  it('exposes port 3000 and checks /healthz', () => {
    expect(withKeyword('EXPOSE')).toContainEqual(expect.stringMatching(/^EXPOSE\s+3000\b/));
    const healthcheck = withKeyword('HEALTHCHECK');
    expect(healthcheck).toHaveLength(1);
    expect(healthcheck[0]).toContain('/healthz');
  });

  it('starts Herald through bin/herald.js with the same Node flags as npm start, defaulting to `start`', () => {
    const start = (
      JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }
    ).scripts.start;
    expect(start).toMatch(/^node .*bin\/herald\.js start$/);
    const npmArgs = start.split(' ').slice(0, -1);
    expect(withKeyword('ENTRYPOINT')).toEqual([
      `ENTRYPOINT ${JSON.stringify(npmArgs).replace(/","/g, '", "')}`,
    ]);
    expect(withKeyword('CMD')).toEqual(['CMD ["start"]']);
  });
});

describe('.dockerignore', () => {
  it('keeps secrets, local state and dependencies out of the build context', () => {
    const ignored = readFileSync(resolve(ROOT, '.dockerignore'), 'utf8')
      .split(/\r?\n/)
      .map((line) => line.trim());
    for (const entry of ['.env', '.git', 'node_modules', '.herald']) expect(ignored).toContain(entry);
  });
});
