import { existsSync, readFileSync } from 'node:fs';
import { generate } from '@graphql-codegen/cli';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import codegenConfig from '../codegen.ts';
import { printedSchema, printedSchemaPath } from '../src/graphql/print.ts';

const contractPath = new URL('../schema/contract.graphql', import.meta.url);
const sharedContractPath = new URL('../../shared/API.graphql', import.meta.url);

/*
 * Parts of the contract a later issue builds (live updates). Each entry is a type, or
 * Type.field; the list shrinks to nothing as they land.
 */
const pending = new Set<string>([]);

/** Every way the printed schema falls short of the contract: missing or different names and types. */
function contractGaps(contract: GraphQLSchema, actual: GraphQLSchema): string[] {
  const gaps: string[] = [];
  for (const expected of Object.values(contract.getTypeMap())) {
    if (expected.name.startsWith('__') || pending.has(expected.name)) continue;
    const found: GraphQLNamedType | undefined = actual.getType(expected.name);
    if (!found) {
      gaps.push(`missing type ${expected.name}`);
      continue;
    }
    if (found.constructor !== expected.constructor) gaps.push(`${expected.name} is a different kind of type`);
    if ((isObjectType(expected) || isInterfaceType(expected)) && (isObjectType(found) || isInterfaceType(found))) {
      for (const iface of expected.getInterfaces()) {
        if (!found.getInterfaces().some((i) => i.name === iface.name)) gaps.push(`${expected.name} does not implement ${iface.name}`);
      }
      const fields = found.getFields();
      for (const field of Object.values(expected.getFields())) {
        const name = `${expected.name}.${field.name}`;
        if (pending.has(name)) continue;
        const actualField = fields[field.name];
        if (!actualField) {
          gaps.push(`missing field ${name}`);
          continue;
        }
        if (String(actualField.type) !== String(field.type)) gaps.push(`${name} is ${actualField.type}, contract says ${field.type}`);
        for (const arg of field.args) {
          const actualArg = actualField.args.find((a) => a.name === arg.name);
          if (!actualArg) gaps.push(`missing argument ${name}(${arg.name})`);
          else if (String(actualArg.type) !== String(arg.type))
            gaps.push(`${name}(${arg.name}) is ${actualArg.type}, contract says ${arg.type}`);
        }
        for (const arg of actualField.args) {
          if (!field.args.some((a) => a.name === arg.name) && String(arg.type).endsWith('!'))
            gaps.push(`${name}(${arg.name}) is an extra required argument`);
        }
      }
    }
    if (isInputObjectType(expected) && isInputObjectType(found)) {
      const fields = found.getFields();
      for (const field of Object.values(expected.getFields())) {
        const actualField = fields[field.name];
        if (!actualField) gaps.push(`missing input field ${expected.name}.${field.name}`);
        else if (String(actualField.type) !== String(field.type))
          gaps.push(`${expected.name}.${field.name} is ${actualField.type}, contract says ${field.type}`);
      }
    }
    if (isEnumType(expected) && isEnumType(found)) {
      for (const value of expected.getValues()) {
        if (!found.getValue(value.name)) gaps.push(`missing enum value ${expected.name}.${value.name}`);
      }
    }
    if (isUnionType(expected) && isUnionType(found)) {
      for (const member of expected.getTypes()) {
        if (!found.getTypes().some((t) => t.name === member.name)) gaps.push(`union ${expected.name} lacks ${member.name}`);
      }
    }
  }
  return gaps;
}

describe('printed schema', () => {
  it('schema/schema.graphql is what the code prints (run npm run schema:print)', () => {
    expect(readFileSync(printedSchemaPath, 'utf8')).toBe(printedSchema());
  });

  it('contains every type, field, argument, enum value and nullability of the contract', () => {
    const contract = buildSchema(readFileSync(contractPath, 'utf8'));
    const actual = buildSchema(readFileSync(printedSchemaPath, 'utf8'));
    expect(contractGaps(contract, actual)).toEqual([]);
  });

  it('the gap finder notices a missing field and a changed nullability', () => {
    const contract = buildSchema('type Query { a: String! b(x: Int): Int }');
    const actual = buildSchema('type Query { a: String b(x: Int!): Int }');
    expect(contractGaps(contract, actual)).toEqual(['Query.a is String, contract says String!', 'Query.b(x) is Int!, contract says Int']);
  });

  it.runIf(existsSync(sharedContractPath))('the vendored contract matches ../shared/API.graphql', () => {
    expect(readFileSync(contractPath, 'utf8')).toBe(readFileSync(sharedContractPath, 'utf8'));
  });
});

describe('codegen', () => {
  it('test/gql is what codegen generates from the current schema and documents (run npm run codegen)', async () => {
    const outputs = (await generate({ ...codegenConfig, silent: true, cwd: process.cwd() }, false)) as {
      filename: string;
      content: string;
    }[];
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      expect(readFileSync(output.filename, 'utf8'), output.filename).toBe(output.content);
    }
  });
});
