import { cp, lstat, mkdtemp, readFile, readlink, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hydrateSymlinks, loadBinaries } from '../../core/db/embedded-binaries.js';

describe('embedded PostgreSQL binaries', () => {
  let copy: string | undefined;
  afterEach(async () => {
    if (copy) await rm(copy, { recursive: true, force: true });
  });

  it('GIVEN the platform package is installed THEN finds postgres and initdb', async () => {
    const bins = await loadBinaries();
    expect(bins.postgres).toMatch(/native\/bin\/postgres$/);
    expect(bins.initdb).toMatch(/native\/bin\/initdb$/);
  });

  it('GIVEN npm skipped the postinstall script (library symlinks missing) THEN restores every one', async () => {
    const { postgres } = await loadBinaries();
    const packageDir = dirname(dirname(dirname(postgres)));
    copy = await mkdtemp(join(tmpdir(), 'herald-pgpkg-'));
    await cp(packageDir, copy, { recursive: true, verbatimSymlinks: true });
    const list = JSON.parse(await readFile(join(copy, 'native', 'pg-symlinks.json'), 'utf8')) as Array<{
      source: string;
      target: string;
    }>;
    expect(list.length).toBeGreaterThan(0);
    for (const { target } of list) await unlink(join(copy, target));

    await hydrateSymlinks(join(copy, 'native'));

    for (const { source, target } of list) {
      const link = join(copy, target);
      expect((await lstat(link)).isSymbolicLink()).toBe(true);
      expect(join(dirname(link), await readlink(link))).toBe(join(copy, source));
    }
  });
});
