import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/*
 * JSON.parse is fast on many small objects but not on one wide one: an object of 95,000 keys
 * (within the 1 MiB body limit) holds the thread ~200 ms while V8 grows its dictionary, before
 * any GraphQL rule sees it. POST bodies are scanned first, in one pass over the text, and
 * refused when one object has more than `keysPerObject` keys; a 256 KiB event payload of
 * ordinary shape is far below that.
 */

export const jsonBodyLimits = {
  /** Keys in any one JSON object of a request body. */
  keysPerObject: 10_000,
};

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const BRACE_L = 0x7b;
const BRACE_R = 0x7d;
const BRACKET_L = 0x5b;
const BRACKET_R = 0x5d;

/** Whether some object in the JSON text has more than `limit` keys; stops as soon as one does. Text that is not JSON is left to JSON.parse. */
export function hasWideObject(text: string, limit: number): boolean {
  // Keys counted so far in each open object; -1 for an open array.
  const open: number[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === BRACE_L) open.push(0);
    else if (c === BRACKET_L) open.push(-1);
    else if (c === BRACE_R || c === BRACKET_R) open.pop();
    else if (c === COLON && open.length > 0 && open[open.length - 1]! >= 0) {
      if (++open[open.length - 1]! > limit) return true;
    }
  }
  return false;
}

function badRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
}

const isJsonPost = (request: Request) => request.method === 'POST' && /^application\/(graphql\+)?json\b/i.test(request.headers.get('content-type') ?? '');

/** yoga's JSON body parser, with the scan above before JSON.parse. */
export function useJsonBodyLimits(limits = jsonBodyLimits): Plugin {
  return {
    onRequestParse({ request, setRequestParser }) {
      if (!isJsonPost(request)) return;
      setRequestParser(async (request) => {
        const text = await request.text();
        if (hasWideObject(text, limits.keysPerObject)) throw badRequest(`A JSON object in the request body has more than ${limits.keysPerObject} keys.`);
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          throw badRequest('POST body sent invalid JSON.');
        }
        if (typeof body !== 'object' || body === null) throw badRequest(`POST body is expected to be object but received ${body === null ? 'null' : typeof body}`);
        return body as Record<string, unknown>;
      });
    },
  };
}
