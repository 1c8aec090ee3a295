/**
 * PostgreSQL refuses to run as root. When Herald itself runs as root (containers, CI), the embedded
 * server runs as an unprivileged system user instead: `postgres` when the system has one, else one
 * Herald creates.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { HeraldError } from '../errors.js';

export interface RunAs {
  readonly uid: number;
  readonly gid: number;
  readonly name: string;
}

const CREATED_USER = 'herald-postgres';

function lookup(name: string): RunAs | undefined {
  try {
    const uid = Number(
      execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    );
    const gid = Number(
      execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    );
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid, name } : undefined;
  } catch {
    return undefined;
  }
}

/** The user the embedded server must run as, or undefined when Herald is not root (run as ourselves). */
export function embeddedServerUser(): RunAs | undefined {
  if (process.platform === 'win32' || userInfo().uid !== 0) return undefined;
  const existing = lookup('postgres') ?? lookup(CREATED_USER);
  if (existing) return existing;
  const created = spawnSync(
    'useradd',
    ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', CREATED_USER],
    {
      encoding: 'utf8',
    },
  );
  const user = lookup(CREATED_USER);
  if (created.status !== 0 || !user) {
    throw new HeraldError(
      'embedded-postgres-failed',
      `Herald runs as root, and PostgreSQL cannot; creating the system user ${CREATED_USER} failed: ${created.stderr?.trim() || created.error?.message || 'unknown error'}`,
      {
        hint: 'Create a "postgres" system user, run Herald as a normal user, or set DATABASE_URL to a PostgreSQL server.',
      },
    );
  }
  return user;
}

/** True when `user` can write into `dir` (and reach it through every parent folder). */
export function canWrite(user: RunAs, dir: string): boolean {
  return spawnSync('test', ['-w', dir, '-a', '-x', dir], { uid: user.uid, gid: user.gid }).status === 0;
}

/** True when `user` can execute `file` (and reach it through every parent folder). */
export function canExecute(user: RunAs, file: string): boolean {
  return spawnSync('test', ['-x', file], { uid: user.uid, gid: user.gid }).status === 0;
}
