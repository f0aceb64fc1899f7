/**
 * `map` over an async iterable that starts up to `depth` calls ahead of the result the consumer
 * is waiting for, and yields the results in order.
 *
 * A subscription's consumer (graphql-ws, SSE) takes one result, sends it, then asks for the next.
 * When producing a result waits on I/O (a dataloader batch reading the attempt's delivery), that
 * is one batch and at least one event-loop turn per row; under load a turn takes milliseconds,
 * and a busy tenant's rows then pile up until the subscriber is cut off as too slow although it
 * reads everything at once. Started together, a burst's rows share their batches.
 *
 * The source is pulled one `next()` at a time (a BoundedStream keeps one waiter), and the
 * results already started stay bounded by `depth`. `return()` ends the source at once, even
 * while a pull waits for a row that may never come.
 */
export function mapAhead<T, R>(iterable: AsyncIterable<T>, map: (item: T) => R | Promise<R>, depth: number): AsyncIterableIterator<R> {
  const source = iterable[Symbol.asyncIterator]();
  const ahead: Promise<IteratorResult<R>>[] = [];
  let pulling = false;
  let ended = false;

  // One pull at a time; each settled pull starts the next while there is room ahead.
  const pump = () => {
    if (pulling || ended || ahead.length >= depth) return;
    pulling = true;
    const pulled = source.next();
    const mapped = pulled.then(async (result): Promise<IteratorResult<R>> => (result.done ? { value: undefined, done: true } : { value: await map(result.value), done: false }));
    // Its failure reaches the consumer that takes it; one dropped by return() is no unhandled rejection.
    mapped.catch(() => {});
    ahead.push(mapped);
    pulled.then(
      (result) => {
        pulling = false;
        if (result.done) ended = true;
        else pump();
      },
      () => {
        pulling = false;
        ended = true;
      },
    );
  };

  return {
    next() {
      pump();
      const head = ahead.shift();
      if (!head) return Promise.resolve({ value: undefined, done: true });
      pump();
      return head;
    },
    async return() {
      ended = true;
      ahead.length = 0;
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
