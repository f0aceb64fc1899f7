import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The layers of DESIGN.md, from the ground up: an import only ever points down (or sideways within
 * a folder), and no files import each other round in a cycle. `domain/` imports nothing of src/.
 * The platform files (clock, config, logger, request context) serve every layer above domain.
 */
const layers = ['domain', 'platform', 'store', 'auth', 'delivery', 'live', 'services', 'graphql', 'graphiql', 'composition'] as const;
const platform = new Set(['src/clock.ts', 'src/config.ts', 'src/logger.ts', 'src/request-context.ts']);

const src = join(import.meta.dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

function layerOf(file: string): (typeof layers)[number] {
  const path = relative(join(src, '..'), file);
  if (platform.has(path)) return 'platform';
  const folder = path.split('/')[1]!;
  return (layers as readonly string[]).includes(folder) ? (folder as (typeof layers)[number]) : 'composition';
}

/** Every file's relative imports within src/, type-only imports included (they are dependencies too). */
const graph = new Map(
  sourceFiles(src).map((file) => {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/^(?:import|export)[^'";]*?from\s+'(\.{1,2}\/[^']+)'/gm)].map((m) =>
      normalize(join(dirname(file), m[1]!)),
    );
    return [file, targets.filter((target) => target.startsWith(src))] as const;
  }),
);

describe('layers', () => {
  it('every import points down a layer or stays within its own', () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      targets
        .filter((target) => layers.indexOf(layerOf(target)) > layers.indexOf(layerOf(file)))
        .map((target) => `${relative(src, file)} (${layerOf(file)}) -> ${relative(src, target)} (${layerOf(target)})`),
    );
    expect(upward).toEqual([]);
  });

  it('domain/ imports nothing else of src/', () => {
    const outside = [...graph]
      .filter(([file]) => layerOf(file) === 'domain')
      .flatMap(([file, targets]) =>
        targets.filter((t) => layerOf(t) !== 'domain').map((t) => `${relative(src, file)} -> ${relative(src, t)}`),
      );
    expect(outside).toEqual([]);
  });

  it('no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(src, f)).join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
