// Compiles the server (src/ -> build/) when build/ is missing or older than its sources; npm start
// runs build/server.js with plain node. Run by the prestart hook, the tests' global setup and the
// benchmark, so the server a user starts, the one the tests start and the one measured are the
// same files. An unchanged tree costs a hash, not a build.
//
// Why not serve src/ through tsx as before: tsx compiles with esbuild's keepNames, which names
// every function by defineProperty after creating it. Each such closure then carries a property
// dictionary of its own (8 per live subscription, about 2 KB of heap), and every closure created
// on a hot path pays for the call.
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root, stampOf } from './sources-stamp.mjs';

const out = join(root, 'build');
const stamp = stampOf(out, 'server.js', ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json']);
if (stamp.current && !process.argv.includes('--force')) process.exit(0);

// From scratch: a source deleted since the last build must not linger as a module.
rmSync(out, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
// GraphiQL's own script and stylesheet are served from beside the module that reads them.
cpSync(join(root, 'src/graphiql/browser'), join(out, 'graphiql/browser'), { recursive: true });
stamp.mark();
process.stdout.write('server: built build/ from src/\n');
