/**
 * A counting semaphore: at most `limit` tasks run at once, the rest wait in arrival order.
 * The queue is an array read from a moving head (compacted now and then), not `shift()`: a call
 * with thousands of prefixes queues thousands of tasks, and `shift()` on a long array moves all
 * of it every time (~20 % of the client's CPU at 20,000 queued prefixes, issue 18's profile).
 */
export class ConcurrencyLimit {
  private active = 0;
  private waiting: ((() => void) | undefined)[] = [];
  private head = 0;
  constructor(private readonly limit: number) {}

  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) {
      this.active++;
      return this.start(task);
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve)).then(() => this.start(task));
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length - this.head;
  }

  /** Runs `task` in a slot already taken; the slot goes to the next waiting task when it settles. */
  private start<T>(task: () => Promise<T>): Promise<T> {
    let running: Promise<T>;
    try {
      running = task();
    } catch (err) {
      this.release();
      // Whatever the task threw, as an async task's rejection would carry it.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      return Promise.reject(err);
    }
    return running.then(
      (value) => {
        this.release();
        return value;
      },
      (err: unknown) => {
        this.release();
        throw err;
      },
    );
  }

  private release(): void {
    if (this.head === this.waiting.length) {
      this.active--;
      return;
    }
    const next = this.waiting[this.head]!;
    this.waiting[this.head++] = undefined;
    if (this.head === this.waiting.length) {
      this.waiting = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    next();
  }
}

/**
 * `Promise.all(items.map(task))` that starts at most `width` tasks at a time, in index order (the
 * next when one settles), so a call with thousands of items does not queue thousands of pending
 * tasks at once (their closures and promises cost ~6 µs of CPU per request at concurrency 16,
 * issue 18). As with Promise.all, the first failure rejects at once and the other items are
 * still run.
 */
export function mapInOrder<T, R>(items: readonly T[], width: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  if (items.length === 0) return Promise.resolve(out);
  return new Promise((resolve, reject) => {
    let next = 0;
    let settled = 0;
    let failed = false;
    const startNext = (): void => {
      const i = next++;
      let running: Promise<R>;
      try {
        running = task(items[i]!, i);
      } catch (err) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        running = Promise.reject(err);
      }
      // Never rejects: both outcomes are handled in the first step.
      void running
        .then(
          (value) => {
            out[i] = value;
          },
          (err: unknown) => {
            if (failed) return;
            failed = true;
            // Whatever the task rejected with, as Promise.all passes it on.
            // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
            reject(err);
          },
        )
        .then(() => {
          settled++;
          if (next < items.length) startNext();
          else if (settled === items.length && !failed) resolve(out);
        });
    };
    for (let w = 0; w < Math.min(width, items.length); w++) startNext();
  });
}
