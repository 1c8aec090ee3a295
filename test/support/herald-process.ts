/**
 * Runs the real `herald` command (bin/herald.js) in a child process, with only the environment a
 * test gives it, in a folder of its own (so no .env of the repository leaks in).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'herald.js');

export interface HeraldRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface HeraldProcess {
  readonly child: ChildProcess;
  output(): { stdout: string; stderr: string };
  /** Resolves when the output contains `text`; rejects if the process exits first. */
  waitForOutput(text: string): Promise<void>;
  exited(): Promise<HeraldRun>;
}

export function spawnHerald(
  args: readonly string[],
  env: Record<string, string>,
  cwd: string,
): HeraldProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      HERALD_LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  const check = () => {
    for (const waiter of waiters.splice(0)) {
      if (stdout.includes(waiter.text) || stderr.includes(waiter.text)) waiter.resolve();
      else waiters.push(waiter);
    }
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    check();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    check();
  });
  const exit = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    stdout,
    stderr,
  }));
  return {
    child,
    output: () => ({ stdout, stderr }),
    waitForOutput: (text) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ text, resolve });
        check();
        void exit.then((run) =>
          reject(
            new Error(`herald exited (${run.code}) before printing "${text}":\n${run.stdout}\n${run.stderr}`),
          ),
        );
      }),
    exited: () => exit,
  };
}

export async function runHerald(
  args: readonly string[],
  env: Record<string, string>,
  cwd: string,
): Promise<HeraldRun> {
  return spawnHerald(args, env, cwd).exited();
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
