/**
 * An async iterator fed by pushes, holding at most `capacity` unread items. When a consumer
 * falls that far behind, the stream fails with `overflowError` instead of growing without
 * bound, and `onOverflow` lets the owner drop the connection.
 */
export class BoundedStream<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | null = null;
  private failure: unknown = null;
  private done = false;

  constructor(
    private readonly capacity: number,
    private readonly hooks: { overflowError: () => Error; onOverflow?: () => void; onEnd: () => void },
  ) {}

  push(item: T): void {
    if (this.done || this.failure) return;
    if (this.waiting) {
      const waiting = this.waiting;
      this.waiting = null;
      waiting.resolve({ value: item, done: false });
      return;
    }
    if (this.buffer.length >= this.capacity) {
      this.fail(this.hooks.overflowError());
      this.hooks.onOverflow?.();
      return;
    }
    this.buffer.push(item);
  }

  /** Ends the stream with an error the consumer receives after what it has already been handed. */
  fail(error: unknown): void {
    if (this.done || this.failure) return;
    this.failure = error;
    this.buffer.length = 0;
    this.hooks.onEnd();
    if (this.waiting) {
      const waiting = this.waiting;
      this.waiting = null;
      waiting.reject(error);
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffer.length > 0) return Promise.resolve({ value: this.buffer.shift()!, done: false });
    if (this.failure) {
      const failure = this.failure;
      this.finish();
      return Promise.reject(failure);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish() {
    if (this.done) return;
    this.done = true;
    this.buffer.length = 0;
    if (!this.failure) this.hooks.onEnd();
    this.waiting?.resolve({ value: undefined, done: true });
    this.waiting = null;
  }
}
