import { once } from 'node:events';
import { chmod, mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseUrl, type TestDatabase } from '../support/database.js';
import { TEST_KEY } from '../support/config.js';
import { createKeyring } from '../../core/crypto.js';
import { freePort, runHerald, spawnHerald } from '../support/herald-process.js';

describe('the herald command', () => {
  let db: TestDatabase;
  let cwd: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    cwd = await mkdtemp(join(tmpdir(), 'herald-cli-'));
    // As root the embedded server runs as another user, who must be able to reach the data folder.
    await chmod(cwd, 0o755);
    env = { DATABASE_URL: db.url, HERALD_ENCRYPTION_KEY: TEST_KEY, HERALD_DATA_DIR: join(cwd, 'data') };
  });
  afterAll(async () => {
    await db.drop();
    await rm(cwd, { recursive: true, force: true });
  });

  it('GIVEN --help THEN lists every command, and each command has its own help', async () => {
    const top = await runHerald(['--help'], {}, cwd);
    expect(top.code).toBe(0);
    for (const command of ['start', 'migrate', 'doctor', 'keys']) expect(top.stdout).toContain(command);
    const keys = await runHerald(['keys', '--help'], {}, cwd);
    expect(keys.stdout).toMatch(/rotate/);
    expect(keys.stdout).toMatch(/generate/);
    const start = await runHerald(['start', '--help'], {}, cwd);
    expect(start.stdout).toContain('--role');
  });

  it('GIVEN an unknown role THEN refuses and lists the roles', async () => {
    const run = await runHerald(['start', '--role', 'everything'], env, cwd);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('must be one of all, bot, worker, web');
  });

  it('GIVEN several bad variables THEN prints every problem at once and exits non-zero', async () => {
    const run = await runHerald(
      ['start'],
      { PORT: 'eighty', DATABASE_URL: 'mysql://x', HERALD_X_CLIENT_ID: 'id' },
      cwd,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('PORT: must be a port number');
    expect(run.stderr).toContain('DATABASE_URL: must be a PostgreSQL URL');
    expect(run.stdout).toBe('');
  });

  it('GIVEN an unreachable database THEN one line says so and what to do', async () => {
    const port = await freePort();
    const run = await runHerald(
      ['start'],
      { ...env, DATABASE_URL: `postgres://herald:s3cret@127.0.0.1:${port}/herald` },
      cwd,
    );
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`Cannot reach PostgreSQL at 127.0.0.1:${port}/herald.*unset DATABASE_URL`),
    );
    expect(run.stderr + run.stdout).not.toContain('s3cret');
  });

  it('GIVEN a database that does not exist THEN says to create it', async () => {
    const run = await runHerald(['migrate'], { ...env, DATABASE_URL: databaseUrl('herald_no_such_db') }, cwd);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/does not exist.*createdb/);
  });

  it('GIVEN a corrupt key file THEN refuses to start with one clear line', async () => {
    const dataDir = join(cwd, 'corrupt-key');
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, 'encryption.key'), 'not a key\n');
    const run = await runHerald(
      ['start', '--role', 'web'],
      { DATABASE_URL: db.url, HERALD_DATA_DIR: dataDir },
      cwd,
    );
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('encryption.key');
  });

  it('GIVEN the web port is taken THEN says which port and how to change it', async () => {
    const blocker = spawnHerald(['start', '--role', 'web'], { ...env, PORT: String(await freePort()) }, cwd);
    await blocker.waitForOutput('herald started');
    const port = /"port":(\d+),"msg":"web server listening"/.exec(blocker.output().stdout)?.[1];
    const run = await runHerald(['start', '--role', 'web'], { ...env, PORT: port ?? '0' }, cwd);
    blocker.child.kill('SIGTERM');
    await blocker.exited();
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`port ${port}.*set PORT`));
  });

  it('GIVEN no chat credentials WHEN started THEN runs worker and web, says once what to set, is healthy, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const herald = spawnHerald(['start'], { ...env, PORT: String(port) }, cwd);
    await herald.waitForOutput('herald started');
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const beats = await db.pool.query('SELECT 1 FROM worker_heartbeats');
    expect(beats.rowCount).toBe(1);

    herald.child.kill('SIGTERM');
    const run = await herald.exited();
    expect(run.code).toBe(0);
    expect(run.stdout.match(/no chat platform configured/g)).toHaveLength(1);
    expect(run.stdout).toContain('DISCORD_TOKEN');
    expect(run.stdout).toContain('worker stopped');
    expect((await db.pool.query('SELECT 1 FROM worker_heartbeats')).rowCount).toBe(0);
  });

  it('GIVEN a second signal while stopping THEN exits at once', async () => {
    const port = await freePort();
    const herald = spawnHerald(['start', '--role', 'web'], { ...env, PORT: String(port) }, cwd);
    await herald.waitForOutput('herald started');
    // A request still arriving keeps the graceful stop waiting, so the second signal meets it mid-way.
    const slow = connect(port, '127.0.0.1');
    await once(slow, 'connect');
    slow.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    herald.child.kill('SIGINT');
    await herald.waitForOutput('herald stopping');
    herald.child.kill('SIGINT');
    const run = await herald.exited();
    slow.destroy();
    expect(run.code).toBe(130);
    expect(run.stdout).toContain('second signal');
  });

  it('GIVEN a working setup THEN doctor prints a table of what is ready and missing and exits 0', async () => {
    const run = await runHerald(['doctor'], { ...env, HERALD_BLUESKY_API_URL: 'http://127.0.0.1:1' }, cwd);
    expect(run.code).toBe(0);
    const rows = run.stdout.split('\n');
    const row = (item: string) => rows.find((line) => line.split(/\s{2,}/)[1] === item) ?? '';
    expect(rows[0]).toMatch(/^area\s+item\s+status\s+detail$/);
    expect(row('connection')).toMatch(/\bok\b/);
    expect(row('migrations')).toMatch(/\bok\b.*current/);
    expect(row('heartbeat')).toMatch(/\bwarn\b.*no worker is running/);
    expect(row('Discord')).toMatch(/\bmissing\b.*DISCORD_TOKEN/);
    expect(row('X')).toMatch(/\bmissing\b.*HERALD_X_CLIENT_ID/);
    expect(row('Bluesky')).toMatch(/\bok\b/);
    expect(run.stdout).toContain('Herald can start');
  });

  it('GIVEN an unreachable database THEN doctor marks it FAIL and exits non-zero', async () => {
    const run = await runHerald(
      ['doctor'],
      { ...env, DATABASE_URL: `postgres://x@127.0.0.1:${await freePort()}/x` },
      cwd,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/database\s+connection\s+FAIL/);
    expect(run.stdout).toContain('cannot start');
  });

  it('GIVEN a bad configuration THEN doctor lists each problem as FAIL', async () => {
    const run = await runHerald(['doctor'], { PORT: 'x' }, cwd);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/config\s+PORT\s+FAIL/);
  });

  it('GIVEN no DATABASE_URL THEN migrate runs on the embedded database, and a second run finds nothing to do', async () => {
    const dataDir = join(cwd, 'embedded');
    const first = await runHerald(['migrate'], { HERALD_DATA_DIR: dataDir }, cwd);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const shipped = (await readdir(new URL('../../migrations/', import.meta.url))).filter((f) =>
      f.endsWith('.sql'),
    );
    expect(shipped.length).toBeGreaterThanOrEqual(3);
    expect(first.stdout).toContain(`Applied ${shipped.length} migration(s): ${shipped.sort().join(', ')}`);
    const second = await runHerald(['migrate'], { HERALD_DATA_DIR: dataDir }, cwd);
    expect(second.stdout).toContain('up to date');
  });

  it('GIVEN a secret under the old key WHEN keys rotate runs with the new key THEN it is re-encrypted, and without the old key it refuses', async () => {
    const oldKeyring = createKeyring(Buffer.from(TEST_KEY, 'base64'));
    const newKey = Buffer.alloc(32, 9);
    await db.pool.query(
      `INSERT INTO tenants (chat_platform, external_id, bot_token_enc) VALUES ('slack', 'T-rotate', $1)`,
      [oldKeyring.encrypt('xoxb-rotate-me')],
    );
    const withoutOld = await runHerald(
      ['keys', 'rotate'],
      { ...env, HERALD_ENCRYPTION_KEY: newKey.toString('base64') },
      cwd,
    );
    expect(withoutOld.code).toBe(1);
    expect(withoutOld.stderr).toContain('HERALD_ENCRYPTION_PREVIOUS_KEYS');

    const run = await runHerald(
      ['keys', 'rotate'],
      { ...env, HERALD_ENCRYPTION_KEY: newKey.toString('base64'), HERALD_ENCRYPTION_PREVIOUS_KEYS: TEST_KEY },
      cwd,
    );
    expect(run.code).toBe(0);
    const newKeyring = createKeyring(newKey);
    expect(run.stdout).toContain(`encrypted with key ${newKeyring.currentKeyId}`);
    expect(run.stdout).toMatch(/tenants\.bot_token_enc\s+1\s+0/);
    const { rows } = await db.pool.query<{ bot_token_enc: string }>(
      `SELECT bot_token_enc FROM tenants WHERE external_id = 'T-rotate'`,
    );
    expect(newKeyring.decrypt(rows[0]!.bot_token_enc)).toBe('xoxb-rotate-me');
  });

  it('GIVEN keys generate THEN prints a key that config accepts', async () => {
    const run = await runHerald(['keys', 'generate'], {}, cwd);
    expect(run.code).toBe(0);
    expect(Buffer.from(run.stdout.trim(), 'base64')).toHaveLength(32);
  });
});
