import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/*
 * The server the tests start is the one `npm start` runs: build/, compiled from src/ by
 * scripts/build-server.mjs. Brought up to date once per run (a hash when nothing changed), so a
 * test never meets a build older than the code it tests.
 */
export default function setup() {
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build-server.mjs', import.meta.url))], { stdio: 'inherit' });
}
