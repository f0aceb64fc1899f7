/*
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): the frames with the most self time,
 * self time grouped by package or source file, and inclusive time of the project's own frames
 * (src/ and bench/) and of packages, all as shares of the busy (non-idle) time.
 *
 *   npx tsx bench/profile-summary.ts FILE [TOP]
 */
import { readFileSync } from 'node:fs';

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

export function summarizeProfile(path: string, top = 25): string {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });

  const fileOf = (node: ProfileNode) => node.callFrame.url.replace(/^file:\/\/\/work\/main\//, '');
  const frameOf = (node: ProfileNode) => {
    const file = fileOf(node);
    return `${node.callFrame.functionName || '(anonymous)'}${file ? ` ${file}:${node.callFrame.lineNumber + 1}` : ''}`;
  };
  const groupOf = (node: ProfileNode) => {
    const file = fileOf(node);
    return (
      /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ??
      (/^(src|build|bench)\//.test(file) ? file : file ? 'node:internal' : node.callFrame.functionName)
    );
  };
  const idle = [...self].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((sum, [, us]) => sum + us, 0);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const busy = total - idle;

  const frames = new Map<string, number>();
  const groups = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const inclusiveGroups = new Map<string, number>();
  for (const [id, micros] of self) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') continue;
    frames.set(frameOf(node), (frames.get(frameOf(node)) ?? 0) + micros);
    groups.set(groupOf(node), (groups.get(groupOf(node)) ?? 0) + micros);
    // Inclusive: every distinct own frame, and every package, on this sample's stack.
    const seen = new Set<string>();
    const seenGroups = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frameNode = byId.get(at)!;
      if (/^(src|build|bench)\//.test(fileOf(frameNode)) && frameNode.callFrame.functionName) seen.add(frameOf(frameNode));
      if (fileOf(frameNode).includes('node_modules/')) seenGroups.add(groupOf(frameNode));
    }
    for (const frame of seen) inclusive.set(frame, (inclusive.get(frame) ?? 0) + micros);
    for (const group of seenGroups) inclusiveGroups.set(group, (inclusiveGroups.get(group) ?? 0) + micros);
  }
  const pct = (micros: number) => `${((100 * micros) / busy).toFixed(1)}%`.padStart(6);
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `sampled ${(total / 1e6).toFixed(2)} s, busy ${(busy / 1e6).toFixed(2)} s (shares below are of busy time)`,
    'self time by frame:',
    ...sorted(frames).map(([name, micros]) => `${pct(micros)}  ${name}`),
    'self time by package / file:',
    ...sorted(groups).map(([name, micros]) => `${pct(micros)}  ${name}`),
    'inclusive time of own frames (src/, bench/):',
    ...sorted(inclusive).map(([name, micros]) => `${pct(micros)}  ${name}`),
    'inclusive time by package (anywhere on the stack; async callers are not on it):',
    ...sorted(inclusiveGroups).map(([name, micros]) => `${pct(micros)}  ${name}`),
  ].join('\n');
}

const invoked = process.argv[1]?.endsWith('profile-summary.ts');
if (invoked) {
  if (!process.argv[2]) throw new Error('usage: profile-summary.ts FILE [TOP]');
  console.log(summarizeProfile(process.argv[2], Number(process.argv[3] ?? 25)));
}
