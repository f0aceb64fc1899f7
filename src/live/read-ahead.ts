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
  return new ReadAhead(iterable[Symbol.asyncIterator](), map, depth);
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });
const ignore = () => {};

// A class, not a closure over locals: one lives per open subscription, and its methods are then
// shared rather than allocated with each (10,000 idle subscriptions are the memory scenario).
class ReadAhead<T, R> implements AsyncIterableIterator<R> {
  readonly #ahead: Promise<IteratorResult<R>>[] = [];
  #pulling = false;
  #ended = false;

  constructor(
    private readonly source: AsyncIterator<T>,
    private readonly map: (item: T) => R | Promise<R>,
    private readonly depth: number,
  ) {}

  // One pull at a time; each settled pull starts the next while there is room ahead.
  #pump(): void {
    if (this.#pulling || this.#ended || this.#ahead.length >= this.depth) return;
    this.#pulling = true;
    const mapped = this.source.next().then(
      async (result): Promise<IteratorResult<R>> => {
        this.#pulling = false;
        if (result.done) {
          this.#ended = true;
          return DONE;
        }
        this.#pump();
        return { value: await this.map(result.value), done: false };
      },
      (error: unknown) => {
        this.#pulling = false;
        this.#ended = true;
        throw error;
      },
    );
    // Its failure reaches the consumer that takes it; one dropped by return() is no unhandled rejection.
    mapped.catch(ignore);
    this.#ahead.push(mapped);
  }

  next(): Promise<IteratorResult<R>> {
    this.#pump();
    const head = this.#ahead.shift();
    if (!head) return Promise.resolve(DONE);
    this.#pump();
    return head;
  }

  async return(): Promise<IteratorResult<R>> {
    this.#ended = true;
    this.#ahead.length = 0;
    await this.source.return?.();
    return DONE;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
