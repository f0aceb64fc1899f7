// Builds the monitor page (web/ -> dist/monitor/) when its bundle is missing or older than its
// sources. Run by npm's postinstall, prestart and pretest hooks, so `npm ci`, `npm start` and
// the tests always serve a bundle that matches web/, and nobody builds by hand.
import { join } from 'node:path';
import { root, stampOf } from './sources-stamp.mjs';

const out = join(root, 'dist/monitor');
const stamp = stampOf(out, 'monitor.js', ['web', 'package-lock.json']);
if (stamp.current && !process.argv.includes('--force')) process.exit(0);

let vite;
try {
  vite = await import('vite');
} catch {
  // An install without devDependencies (npm ci --omit=dev) has no toolchain: say so, keep going.
  process.stderr.write('monitor: vite is not installed (devDependencies omitted?); / will say the page is not built\n');
  process.exit(0);
}
await vite.build({ configFile: join(root, 'web/vite.config.ts') });
stamp.mark();
process.stdout.write(`monitor: built dist/monitor/ from web/\n`);
