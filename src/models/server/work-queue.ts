/**
 * How `serve-model` shares one model between clients. Backends are not re-entrant, so model
 * calls run one at a time; but a request is many calls (one per token), so requests take turns
 * call by call instead of holding the model for their whole length:
 *
 * - `admit` lets at most `maxActive` requests work at once (each holds a tree session, e.g. a KV
 *   cache), the rest wait first-come first-served;
 * - `turn` runs one model call when the model is free, after giving the event loop one full turn
 *   (`setImmediate`), so connections are accepted, oversized requests refused and health checks
 *   answered while long requests run; waiting turns are served in arrival order, which
 *   interleaves the active requests round-robin.
 *
 * Both give up with the signal's reason when the client has gone (its request is dropped from
 * the line, and no further model call is made for it).
 */
import { setImmediate as nextLoopTurn } from 'node:timers/promises';

interface Waiter {
  readonly grant: () => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/** A first-come first-served semaphore whose waiters leave the line when their signal aborts. */
class Line {
  private free: number;
  private readonly waiting: Waiter[] = [];

  constructor(slots: number) {
    this.free = slots;
  }

  acquire(signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    if (this.free > 0 && this.waiting.length === 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', waiter.onAbort);
          resolve();
        },
        signal,
        onAbort: () => {
          const i = this.waiting.indexOf(waiter);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal!.reason as Error);
        },
      };
      this.waiting.push(waiter);
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next === undefined) this.free++;
    else next.grant();
  }

  get queued(): number {
    return this.waiting.length;
  }
}

export class WorkQueue {
  private readonly active: Line;
  private readonly model = new Line(1);

  constructor(maxActive: number) {
    if (!(Number.isInteger(maxActive) && maxActive >= 1)) throw new RangeError(`maxActive must be a positive integer, got ${maxActive}`);
    this.active = new Line(maxActive);
  }

  /** Waits for a working slot; resolves to the function that frees it (call it exactly once). */
  async admit(signal?: AbortSignal): Promise<() => void> {
    await this.active.acquire(signal);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active.release();
    };
  }

  /** Runs one model call when the model is free, after one event-loop turn; aborts before calling when the client left. */
  async turn<T>(signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
    await this.model.acquire(signal);
    try {
      await nextLoopTurn();
      signal?.throwIfAborted();
      return await call();
    } finally {
      this.model.release();
    }
  }

  /** Requests waiting for a working slot (for tests and diagnostics). */
  get waitingRequests(): number {
    return this.active.queued;
  }
}
