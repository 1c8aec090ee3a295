#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so `npm start` and `npx herald` need no build step.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
