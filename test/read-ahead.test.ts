import { describe, expect, it } from 'vitest';
import { BoundedStream } from '../src/live/bounded-stream.ts';
import { mapAhead } from '../src/live/read-ahead.ts';

// Internals (live/read-ahead.ts): results in order, at most `depth` started ahead, and ending
// the mapped iterator ends its source at once, even while a pull waits for a row.

function stream(capacity = 100) {
  const ended: string[] = [];
  const source = new BoundedStream<number>(capacity, { overflowError: () => new Error('too slow'), onEnd: () => ended.push('ended') });
  return { source, ended };
}

describe('mapAhead', () => {
  it('starts the rows already there together and yields their results in order', async () => {
    const { source } = stream();
    const started: number[] = [];
    const mapped = mapAhead(
      source,
      async (n: number) => {
        started.push(n);
        // Later rows finish first.
        await new Promise((resolve) => setTimeout(resolve, 30 - n * 5));
        return n * 10;
      },
      3,
    );
    for (const n of [1, 2, 3, 4, 5]) source.push(n);
    const first = mapped.next();
    await new Promise((resolve) => setTimeout(resolve, 5));
    // The one asked for and three ahead of it, and no more.
    expect(started).toEqual([1, 2, 3, 4]);
    const values = [await first];
    for (let i = 0; i < 4; i++) values.push(await mapped.next());
    expect(values.map((result) => result.value)).toEqual([10, 20, 30, 40, 50]);
  });

  it('ends the source at once when the consumer leaves, though a pull waits for a row', async () => {
    const { source, ended } = stream();
    const mapped = mapAhead(source, (n: number) => n, 4);
    const pending = mapped.next();
    await mapped.return!();
    expect(ended).toEqual(['ended']);
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(await mapped.next()).toEqual({ value: undefined, done: true });
  });

  it("hands on the source's failure, then ends", async () => {
    const { source } = stream(2);
    const mapped = mapAhead(source, (n: number) => n, 1);
    source.push(1);
    source.push(2);
    source.push(3); // over capacity: the stream fails
    await expect(mapped.next()).rejects.toThrow('too slow');
    expect(await mapped.next()).toEqual({ value: undefined, done: true });
  });
});
