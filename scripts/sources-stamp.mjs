// What the build scripts share: a hash of everything a build reads, kept in a stamp beside its
// output, so an unchanged tree costs a hash and not a build.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

function* files(path) {
  if (!statSync(path).isDirectory()) {
    yield path;
    return;
  }
  for (const name of readdirSync(path).sort()) yield* files(join(path, name));
}

/** `sources` (files or folders, relative to the root) against the stamp in `out`: whether `artifact` there is current, and how to mark it so. */
export function stampOf(out, artifact, sources) {
  const hash = createHash('sha256');
  for (const path of sources.flatMap((source) => [...files(join(root, source))])) {
    hash.update(relative(root, path)).update('\0').update(readFileSync(path));
  }
  const wanted = hash.digest('hex');
  const stamp = join(out, '.sources');
  return {
    current: existsSync(join(out, artifact)) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted,
    mark: () => writeFileSync(stamp, wanted),
  };
}
