import { createQueryId, type Compilable, type CompiledQuery, type QueryResult } from 'kysely';
import type { Executor } from './db.ts';
import { engineOf } from './dialect.ts';

/*
 * Statements on the hot paths, built by Kysely once and then run with each call's values.
 * Building a query (the builder's frozen nodes, then the compiler's visit of them) was about a
 * tenth of a publish's CPU and a sixth of a delivery thread's, the same work for the same SQL
 * every time. SQLite keeps its own compiled statements per connection (store/db.ts).
 */

/** Stands for one named value while a statement is built, and is its parameter once compiled. */
class Slot {
  constructor(readonly name: string) {}
}

/**
 * A statement built once per engine and set of value names (an insert's optional columns make
 * another set), then run with the values of each call. `build` runs once, with stand-ins for
 * the values, so it must use each only as a value: a comparison's operand, an inserted or set
 * column. A branch on a value, or a value worked into another (JSON text, an `in` list), would
 * be fixed by the first call; a stand-in the statement does not carry as a parameter is refused.
 * Kysely plugins see the statement when it is built, not each run (the gateway uses none).
 */
export function prepared<V extends Record<string, unknown>, O>(build: (db: Executor, values: V) => Compilable<O>) {
  const templates = new Map<string, CompiledQuery<O>>();
  return (db: Executor, values: V): Promise<QueryResult<O>> => {
    const names = Object.keys(values);
    const key = `${engineOf(db)}:${names.join(',')}`;
    let template = templates.get(key);
    if (!template) {
      // The one place a stand-in poses as a value: the builder only carries it into the parameters.
      const standIns = Object.fromEntries(names.map((name) => [name, new Slot(name)])) as unknown as V;
      template = build(db, standIns).compile();
      const carried = new Set(template.parameters.flatMap((parameter) => (parameter instanceof Slot ? [parameter.name] : [])));
      const dropped = names.filter((name) => !carried.has(name));
      if (dropped.length > 0)
        throw new Error(`a prepared statement must take every value as a parameter; it did not take ${dropped.join(', ')}`);
      templates.set(key, template);
    }
    const parameters = template.parameters.map((parameter) => (parameter instanceof Slot ? values[parameter.name] : parameter));
    return db.executeQuery<O>({ ...template, parameters, queryId: createQueryId() });
  };
}

/** The row an insert with `returning` gave back; throws, as executeTakeFirstOrThrow does, when there is none. */
export function returnedRow<O>(result: QueryResult<O>): O {
  const [row] = result.rows;
  if (row === undefined) throw new Error('the statement returned no row');
  return row;
}
