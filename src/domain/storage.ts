/*
 * What an event costs its tenant in storage (issue 26, item 6). One number per event, counted in
 * tenants.stored_bytes when the event is written and given back when it is deleted, so the two
 * sides must agree: both read the payload's JSON bytes and add the same overhead.
 */

/**
 * Bytes an event takes beyond its payload: its row (ids, topic, keys, times), its indexes and its
 * deliveries' rows, rounded up. Fixed so that stored_bytes can be counted without reading
 * anything back.
 */
export const EVENT_ROW_OVERHEAD_BYTES = 512;

/** The bytes an event with this payload (as the JSON text stored) counts against its tenant. */
export function storedEventBytes(payloadJson: string): number {
  return Buffer.byteLength(payloadJson) + EVENT_ROW_OVERHEAD_BYTES;
}
