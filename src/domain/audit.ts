/*
 * What the audit log keeps of a mutation's arguments (issue 26 item 7). The log is read by ADMIN
 * keys, which may not otherwise read a webhook's credentials back (signingSecret needs
 * WEBHOOKS_SECRETS, bearer tokens and header values are never shown), so every value that could
 * act as a credential is replaced here, in this one place: a field named like a secret, token or
 * password (signingSecret, bearerToken, configuration.webengage.token), and every custom header's
 * value (headers carry API keys and basic auth as often as not). null stays null: "cleared" is
 * worth recording, and says nothing of the old value. An event's payload is data, not a change:
 * it is recorded by its size in bytes of JSON (null when nested too deep to be published), so the log neither copies up to 256 KiB per publish nor any
 * secret a tenant put in a payload.
 */

export const REDACTED = '[redacted]';

/** Argument fields whose value is a credential, by name, at any depth. */
const SECRET_FIELD_NAME = /secret|token|password/i;
/** Lists of {name, value} pairs whose values are credentials. */
const SECRET_VALUE_LISTS = new Set(['headers']);
/** Argument fields recorded by their size in bytes of JSON, not their content. */
const SIZED_FIELDS = new Set(['payload']);

export function isSecretField(name: string): boolean {
  return SECRET_FIELD_NAME.test(name);
}

/*
 * The arguments are recorded before the input limits refuse anything (refusals are recorded
 * too), so a value may be nested thousands deep or be large: nothing here recurses past
 * MAX_DEPTH, and a sized field is measured without JSON.stringify, which overflows the stack on
 * such values.
 */
const MAX_DEPTH = 8;
const TOO_DEEP = '[nested deeper than recorded]';

/** The bytes of a JSON value's text, counted with a stack of its own; null when it is deeper than its limit allows. */
function jsonBytes(value: unknown, maxDepth = 1_000): number | null {
  let bytes = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') {
      bytes += Buffer.byteLength(JSON.stringify(node) ?? 'null');
      continue;
    }
    if (depth >= maxDepth) return null;
    const entries = Array.isArray(node) ? node.map((item) => ['', item] as const) : Object.entries(node);
    // Brackets and the commas between items.
    bytes += 2 + Math.max(entries.length - 1, 0);
    for (const [key, child] of entries) {
      if (!Array.isArray(node)) bytes += Buffer.byteLength(JSON.stringify(key)) + 1;
      stack.push([child, depth + 1]);
    }
  }
  return bytes;
}

function redactValue(name: string, value: unknown, depth: number): unknown {
  if (value === null || value === undefined) return value;
  if (isSecretField(name)) return REDACTED;
  if (SIZED_FIELDS.has(name)) return { bytes: jsonBytes(value) };
  if (typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return TOO_DEEP;
  if (SECRET_VALUE_LISTS.has(name) && Array.isArray(value))
    return value.map((item) =>
      item && typeof item === 'object' ? { ...redactObject(item as object, depth + 1), value: REDACTED } : REDACTED,
    );
  if (Array.isArray(value)) return value.map((item) => redactValue('', item, depth + 1));
  return redactObject(value, depth);
}

function redactObject(object: object, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) if (value !== undefined) out[key] = redactValue(key, value, depth + 1);
  return out;
}

/** A mutation's arguments as the audit log keeps them: given fields only, credentials redacted. */
export function auditedArguments(args: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return redactObject(args, 0);
}
