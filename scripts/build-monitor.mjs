// Builds the monitor page (web/ -> dist/monitor/) when its bundle is missing or older than its
// sources. Run by npm's postinstall, prestart and pretest hooks, so `npm ci`, `npm start` and
// the tests always serve a bundle that matches web/, and nobody builds by hand. A stamp holds a
// hash of everything the build reads; an unchanged tree costs a hash, not a build.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist/monitor');
const stamp = join(out, '.sources');

function* files(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

function sourcesHash() {
  const hash = createHash('sha256');
  for (const path of [...files(join(root, 'web')), join(root, 'package-lock.json')]) {
    hash.update(relative(root, path)).update('\0').update(readFileSync(path));
  }
  return hash.digest('hex');
}

const wanted = sourcesHash();
const built = existsSync(join(out, 'monitor.js')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted;
if (built && !process.argv.includes('--force')) process.exit(0);

let vite;
try {
  vite = await import('vite');
} catch {
  // An install without devDependencies (npm ci --omit=dev) has no toolchain: say so, keep going.
  process.stderr.write('monitor: vite is not installed (devDependencies omitted?); / will say the page is not built\n');
  process.exit(0);
}
await vite.build({ configFile: join(root, 'web/vite.config.ts') });
writeFileSync(stamp, wanted);
process.stdout.write(`monitor: built dist/monitor/ from web/\n`);
