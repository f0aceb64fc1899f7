/**
 * An async iterator fed by pushes, holding at most `capacity` unread items. When a consumer
 * falls that far behind, the stream fails with `overflowError` instead of growing without
 * bound, and `onOverflow` lets the owner drop the connection.
 */
export class BoundedStream<T> implements AsyncIterableIterator<T> {
  private buffer: T[] = [];
  private waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | null = null;
  /** An error not yet handed to the consumer. */
  private failure: { error: unknown } | null = null;
  /** No more items will come in (failed, returned or overflowed). */
  private closed = false;

  constructor(
    private readonly capacity: number,
    private readonly hooks: { overflowError: () => Error; onOverflow?: () => void; onEnd: () => void },
  ) {}

  push(item: T): void {
    if (this.closed) return;
    if (this.waiting) {
      const waiting = this.waiting;
      this.waiting = null;
      waiting.resolve({ value: item, done: false });
    } else if (this.buffer.length >= this.capacity) {
      this.fail(this.hooks.overflowError());
      this.hooks.onOverflow?.();
    } else {
      this.buffer.push(item);
    }
  }

  /** Ends the stream with an error, which the consumer receives once, on its next read. */
  fail(error: unknown): void {
    if (!this.close()) return;
    if (this.waiting) {
      const waiting = this.waiting;
      this.waiting = null;
      waiting.reject(error);
    } else {
      this.failure = { error };
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffer.length > 0) return Promise.resolve({ value: this.buffer.shift()!, done: false });
    if (this.failure) {
      const { error } = this.failure;
      this.failure = null;
      return Promise.reject(error);
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.close();
    this.failure = null;
    this.waiting?.resolve({ value: undefined, done: true });
    this.waiting = null;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Stops input and frees the buffer; true the first time only. */
  private close(): boolean {
    if (this.closed) return false;
    this.closed = true;
    this.buffer = [];
    this.hooks.onEnd();
    return true;
  }
}
