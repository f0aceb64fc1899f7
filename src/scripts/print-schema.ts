import { writeFileSync } from 'node:fs';
import { printedSchema, printedSchemaPath } from '../graphql/print.ts';

writeFileSync(printedSchemaPath, printedSchema());
process.stdout.write(`wrote ${printedSchemaPath}\n`);
