import type { DocumentNode } from 'graphql';
import type { Plugin, YogaServerOptions } from 'graphql-yoga';

/*
 * yoga's parse and validation cache, bounded by size instead of by count. Its default keeps
 * 1,024 documents whatever their size: ~5 KB operations, sent with no key (parsing and validating
 * come before authentication), kept hundreds of KB each (the AST with its token list, and the
 * validation result kept with it). Here the documents are kept up to an estimated number of
 * bytes, and only operations that passed authentication enter it: a client without a key can
 * neither grow the process nor push other tenants' documents out.
 */

export const parseCacheLimits = {
  /** Estimated bytes of parsed and validated documents kept. */
  maxBytes: 16 * 1024 * 1024,
  /**
   * Retained bytes per character of operation text, as measured: ~70 for a valid document,
   * ~150 for one kept with its validation errors.
   */
  bytesPerCharacter: 150,
};

/** What yoga's option takes when it is not a boolean (the type itself is not exported). */
type ParserAndValidationCacheOptions = Exclude<YogaServerOptions<object, object>['parserAndValidationCache'], boolean | undefined>;

type Cache<T> = { get(key: string): T | undefined; has(key: string): boolean; set(key: string, value: T): void };

/** A least-recently-used cache of at most `maxBytes`, each entry sized by its key. */
export function byteBoundedCache<T>({ maxBytes, sizeOf }: { maxBytes: number; sizeOf: (key: string) => number }): Cache<T> {
  // A Map iterates in insertion order: re-inserting on each read keeps the least recently used first.
  const entries = new Map<string, T>();
  let bytes = 0;
  return {
    has: (key) => entries.has(key),
    get(key) {
      const value = entries.get(key);
      if (value === undefined) return undefined;
      entries.delete(key);
      entries.set(key, value);
      return value;
    },
    set(key, value) {
      const size = sizeOf(key);
      if (size > maxBytes) return;
      if (entries.has(key)) {
        entries.delete(key);
        bytes -= size;
      }
      entries.set(key, value);
      bytes += size;
      for (const oldest of entries.keys()) {
        if (bytes <= maxBytes) break;
        entries.delete(oldest);
        bytes -= sizeOf(oldest);
      }
    },
  };
}

/**
 * yoga's parse and validation cache, filled only by authenticated operations. yoga parses (and
 * would cache) before the context factory looks the key up, so its own writes are dropped here;
 * `plugin` keeps a document once its operation reaches execution, which only an authenticated
 * request does. Parse errors are not kept: the text limits bound what parsing them again costs.
 * Validation results are kept by yoga in a WeakMap of the document, so they go with it.
 */
export function authenticatedParseCache(limits = parseCacheLimits): { option: ParserAndValidationCacheOptions; plugin: Plugin } {
  const documents = byteBoundedCache<DocumentNode>({ maxBytes: limits.maxBytes, sizeOf: (text) => text.length * limits.bytesPerCharacter });
  const admit = ({ document, contextValue }: { document: DocumentNode; contextValue: unknown }) => {
    // yoga's cache key is the operation text: over HTTP, SSE and graphql-ws the context's params.
    const text = (contextValue as { params?: { query?: unknown } }).params?.query;
    if (typeof text === 'string' && !documents.has(text)) documents.set(text, document);
  };
  const ignored = { get: () => undefined, set: () => undefined };
  return {
    option: { documentCache: { get: (text) => documents.get(text), set: () => undefined }, errorCache: ignored, validationCache: true },
    plugin: {
      onExecute: ({ args }) => admit(args),
      onSubscribe: ({ args }) => admit(args),
    },
  };
}
