import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/*
 * JSON.parse costs by the distinct key names it meets, not by the bytes: each new name is a new
 * string to intern and a new object shape. One object of 95,000 keys (within the 1 MiB body
 * limit) held the thread ~200 ms, 20,000 small objects each with a key of its own over 100 ms on a
 * busy machine, while 120,000 keys of a few names over 60,000 objects parse in 17 ms. POST bodies
 * are scanned first, in one pass over the text, and refused past `distinctKeys` key names; an
 * event payload of ordinary shape is far below that.
 */

export const jsonBodyLimits = {
  /** Distinct key names in one request body. */
  distinctKeys: 10_000,
};

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * Whether the JSON text names more than `limit` distinct keys (a string followed by a colon);
 * stops as soon as it does. Text that is not JSON is left to JSON.parse.
 */
export function namesTooManyKeys(text: string, limit: number): boolean {
  const keys = new Set<string>();
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== QUOTE) continue;
    const start = i + 1;
    for (i = start; i < text.length && text.charCodeAt(i) !== QUOTE; i++) if (text.charCodeAt(i) === BACKSLASH) i++;
    const end = i;
    let next = end + 1;
    while (isSpace(text.charCodeAt(next))) next++;
    if (text.charCodeAt(next) === COLON) {
      keys.add(text.slice(start, end));
      if (keys.size > limit) return true;
    }
  }
  return false;
}

function badRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
}

const isJsonPost = (request: Request) =>
  request.method === 'POST' && /^application\/(graphql\+)?json\b/i.test(request.headers.get('content-type') ?? '');

/** yoga's JSON body parser, with the scan above before JSON.parse. */
export function useJsonBodyLimits(limits = jsonBodyLimits): Plugin {
  return {
    onRequestParse({ request, setRequestParser }) {
      if (!isJsonPost(request)) return;
      setRequestParser(async (request) => {
        const text = await request.text();
        if (namesTooManyKeys(text, limits.distinctKeys))
          throw badRequest(`The request body names more than ${limits.distinctKeys} distinct JSON keys.`);
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          throw badRequest('POST body sent invalid JSON.');
        }
        if (typeof body !== 'object' || body === null)
          throw badRequest(`POST body is expected to be object but received ${body === null ? 'null' : typeof body}`);
        return body as Record<string, unknown>;
      });
    },
  };
}
