/*
 * What the audit log keeps of a mutation's arguments (issue 26 item 7). The log is read by ADMIN
 * keys, which may not otherwise read a webhook's credentials back (signingSecret needs
 * WEBHOOKS_SECRETS, bearer tokens and header values are never shown), so every value that could
 * act as a credential is replaced here, in this one place: a field named like a secret, token or
 * password (signingSecret, bearerToken, configuration.webengage.token), and every custom header's
 * value (headers carry API keys and basic auth as often as not). null stays null: "cleared" is
 * worth recording, and says nothing of the old value. An event's payload is data, not a change:
 * it is recorded by its size, so the log neither copies up to 256 KiB per publish nor any
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

function redactValue(name: string, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (isSecretField(name)) return REDACTED;
  if (SIZED_FIELDS.has(name)) return { bytes: Buffer.byteLength(JSON.stringify(value) ?? '') };
  if (SECRET_VALUE_LISTS.has(name) && Array.isArray(value))
    return value.map((item) => (item && typeof item === 'object' ? { ...redactObject(item as object), value: REDACTED } : REDACTED));
  if (Array.isArray(value)) return value.map((item) => redactValue('', item));
  if (typeof value === 'object') return redactObject(value);
  return value;
}

function redactObject(object: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) if (value !== undefined) out[key] = redactValue(key, value);
  return out;
}

/** A mutation's arguments as the audit log keeps them: given fields only, credentials redacted. */
export function auditedArguments(args: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return redactObject(args);
}
