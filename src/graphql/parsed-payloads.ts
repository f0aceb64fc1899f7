/*
 * Event payloads parsed once per event, not once per execution. A live update selecting
 * `event { payload }` runs once per distinct document (shared-subscriptions.ts shares only equal
 * ones), and each run loaded and parsed the same 256 KiB payload again: 300 documents held 300
 * copies per event, and a subscriber that stopped reading kept up to READ_AHEAD of them each.
 * Now every run serves the one parsed value.
 *
 * One per thread, like the webhook cache: events never change and their ids (ULIDs) are unique
 * across databases, so an entry never answers wrongly; it only saves work. Bounded by the
 * payload text it holds, least recently used first.
 */
const MAX_HELD_CHARACTERS = 32 * 1024 * 1024;

const parsed = new Map<string, { size: number; value: unknown }>();
let held = 0;

/** The event's payload as a value; callers read it and never change it (it is shared). */
export function parsedPayload(event: { id: string; payload: string }): unknown {
  const kept = parsed.get(event.id);
  if (kept) {
    parsed.delete(event.id);
    parsed.set(event.id, kept);
    return kept.value;
  }
  const value = JSON.parse(event.payload) as unknown;
  const size = event.payload.length;
  if (size > MAX_HELD_CHARACTERS) return value;
  parsed.set(event.id, { size, value });
  held += size;
  for (const [id, entry] of parsed) {
    if (held <= MAX_HELD_CHARACTERS) break;
    parsed.delete(id);
    held -= entry.size;
  }
  return value;
}
