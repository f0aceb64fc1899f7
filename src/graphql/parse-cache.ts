import type { YogaServerOptions } from 'graphql-yoga';

/*
 * yoga's parse and validation cache, bounded by size instead of by count. Its default keeps
 * 1,024 documents whatever their size: ~5 KB operations, sent with no key (parsing and validating
 * come before authentication), kept hundreds of KB each (the AST with its token list, and the
 * validation result kept with it). Here the documents are kept up to an estimated number of
 * bytes, so requests with or without a key can churn the cache but never grow the process.
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

type Cache<T> = { get(key: string): T | undefined; set(key: string, value: T): void };

/** A least-recently-used cache of at most `maxBytes`, each entry sized by its key. */
export function byteBoundedCache<T>({ maxBytes, sizeOf }: { maxBytes: number; sizeOf: (key: string) => number }): Cache<T> {
  // A Map iterates in insertion order: re-inserting on each read keeps the least recently used first.
  const entries = new Map<string, T>();
  let bytes = 0;
  return {
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
 * yoga's `parserAndValidationCache` option: documents and parse errors each within `maxBytes`;
 * validation results are kept by yoga in a WeakMap of the document, so they go with it.
 */
export function boundedParserAndValidationCache(limits = parseCacheLimits): ParserAndValidationCacheOptions {
  const sizeOf = (text: string) => text.length * limits.bytesPerCharacter;
  return {
    documentCache: byteBoundedCache({ maxBytes: limits.maxBytes, sizeOf }),
    errorCache: byteBoundedCache({ maxBytes: limits.maxBytes, sizeOf }),
    validationCache: true,
  };
}
