/** Herald's version, from package.json, for the User-Agent and `herald --version`. */
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version?: string;
};

export const HERALD_VERSION: string = pkg.version ?? '0.0.0';
