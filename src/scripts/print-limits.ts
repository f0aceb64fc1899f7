import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { limitsPage, limitsPagePath } from './limits-page.ts';

writeFileSync(limitsPagePath, limitsPage());
process.stdout.write(`wrote ${fileURLToPath(limitsPagePath)}\n`);
