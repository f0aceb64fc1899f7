import { fileURLToPath } from 'node:url';
import { printSchema } from 'graphql';
import { schema } from './schema.ts';

export const printedSchemaPath = fileURLToPath(new URL('../../schema/schema.graphql', import.meta.url));

export function printedSchema(): string {
  return `# Printed from the code by \`npm run schema:print\`; do not edit. A test fails when it is stale.\n\n${printSchema(schema)}\n`;
}
