import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { knownVariables, loadConfig, readDotEnv } from '../../core/config.js';

const EXAMPLE = resolve(import.meta.dirname, '..', '..', '.env.example');
const lines = readFileSync(EXAMPLE, 'utf8').split(/\r?\n/);

/** `NAME=…` or, commented out, `# NAME=…`. */
const ASSIGNMENT = /^(?:#\s*)?([A-Z][A-Z0-9_]*)=/;

/** Line index of each variable assigned in the example. */
function assignments(): Map<string, number[]> {
  const found = new Map<string, number[]>();
  lines.forEach((line, index) => {
    const name = ASSIGNMENT.exec(line.trim())?.[1];
    if (name !== undefined) found.set(name, [...(found.get(name) ?? []), index]);
  });
  return found;
}

describe('.env.example', () => {
  it('lists every variable Herald reads', () => {
    const listed = [...assignments().keys()];
    const missing = knownVariables().filter((name) => !listed.includes(name));
    expect(missing).toEqual([]);
  });

  it('names no variable Herald does not know', () => {
    const known = new Set(knownVariables());
    const unknown = [...assignments().keys()].filter((name) => !known.has(name));
    expect(unknown).toEqual([]);
  });

  it('lists each variable once', () => {
    const repeated = [...assignments()].filter(([, at]) => at.length > 1).map(([name]) => name);
    expect(repeated).toEqual([]);
  });

  it('explains each variable in a comment line right above it', () => {
    const undocumented = [...assignments()].filter(([, [at = 0]]) => {
      const above = lines[at - 1]?.trim() ?? '';
      return !above.startsWith('#') || ASSIGNMENT.test(above) || above.replace(/^#\s*/, '') === '';
    });
    expect(undocumented.map(([name]) => name)).toEqual([]);
  });

  it('tells how to generate the encryption key', () => {
    const at = assignments().get('HERALD_ENCRYPTION_KEY')?.[0] ?? 0;
    expect(lines[at - 1]).toContain('npx herald keys generate');
  });

  it('as shipped, is a valid configuration that sets nothing', () => {
    const variables = readDotEnv(EXAMPLE);
    expect(Object.keys(variables).length).toBeGreaterThan(0);
    expect(() => loadConfig(variables, '/srv/herald')).not.toThrow();
    expect(loadConfig(variables, '/srv/herald')).toEqual(loadConfig({}, '/srv/herald'));
  });
});
