/**
 * `--profile`: a CPU profile of the burst (node:inspector, in process), written as a .cpuprofile file
 * that Chrome DevTools opens, and summarised by where the time went: Herald's folders, the fakes,
 * each dependency, Node's internals, garbage collection, idle. It answers "is the Node process busy
 * with Herald, with the fakes, or waiting?" without a separate tool.
 */
import { Session } from 'node:inspector/promises';
import { writeFile } from 'node:fs/promises';
import { relative } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly url: string; readonly functionName: string };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** The group a script belongs to: a dependency, a Herald folder, a fake, or Node itself. */
function groupOf(node: ProfileNode, root: string): string {
  const { url, functionName } = node.callFrame;
  // Native frames by name: `writev` under pg is the cost of sending each query to the server.
  if (url === '') return functionName.startsWith('(') ? functionName : `native ${functionName || '?'}`;
  if (url.startsWith('node:')) return 'node internals';
  const path = relative(root, url.replace(/^file:\/\//, ''));
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (dependency) return dependency[1] ?? path;
  if (path.startsWith('test/fakes/')) return 'test/fakes (the fakes)';
  const folder = path.split('/')[0] ?? path;
  return ['core', 'social', 'worker', 'embeds', 'bench'].includes(folder) ? `herald ${folder}/` : folder;
}

export interface Profiler {
  /** Stops, writes the profile to `file`, and returns the groups with their share of the samples. */
  stop(file: string): Promise<string[]>;
}

export async function startProfiler(): Promise<Profiler> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  // 1 ms sampling keeps the overhead small over a run of several seconds.
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
      session.disconnect();
      await writeFile(file, JSON.stringify(profile));
      const root = process.cwd();
      const groups = new Map<number, string>(profile.nodes.map((node) => [node.id, groupOf(node, root)]));
      const time = new Map<string, number>();
      let total = 0;
      profile.samples.forEach((id, i) => {
        const delta = profile.timeDeltas[i] ?? 0;
        const group = groups.get(id) ?? '?';
        time.set(group, (time.get(group) ?? 0) + delta);
        total += delta;
      });
      return [...time.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 14)
        .map(
          ([group, us]) =>
            `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1e6).toFixed(2).padStart(6)} s  ${group}`,
        );
    },
  };
}

/**
 * The V8 heap still in use after a full garbage collection (forced through the inspector): what the
 * process really holds, as opposed to the peak RSS, which also counts garbage not yet collected.
 */
export async function liveHeapMb(): Promise<number> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.collectGarbage');
  } finally {
    session.disconnect();
  }
  return Math.round((process.memoryUsage().heapUsed / 1024 / 1024) * 10) / 10;
}
