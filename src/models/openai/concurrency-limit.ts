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
