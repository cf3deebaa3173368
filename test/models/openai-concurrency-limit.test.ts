import { describe, expect, it } from 'vitest';
import { ConcurrencyLimit } from '../../src/models/openai/concurrency-limit.js';

describe('ConcurrencyLimit', () => {
  it('runs at most `limit` tasks at once and starts the waiting ones in arrival order, over a long queue', async () => {
    const limit = new ConcurrencyLimit(3);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const tasks = Array.from({ length: 5000 }, (_, i) =>
      limit.run(async () => {
        started.push(i);
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        return i * 2;
      }),
    );
    expect(limit.queued).toBe(4997);
    expect(await Promise.all(tasks)).toEqual(Array.from({ length: 5000 }, (_, i) => i * 2));
    expect(peak).toBe(3);
    expect(started).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(limit.queued).toBe(0);
  });

  it('frees the slot of a task that rejects or throws at once, and passes the failure on', async () => {
    const limit = new ConcurrencyLimit(1);
    const boom = new Error('boom');
    const results = await Promise.allSettled([
      limit.run(() => Promise.reject(boom)),
      limit.run(() => {
        throw boom;
      }),
      limit.run(() => Promise.resolve('after')),
    ]);
    expect(results).toEqual([
      { status: 'rejected', reason: boom },
      { status: 'rejected', reason: boom },
      { status: 'fulfilled', value: 'after' },
    ]);
    expect(await limit.run(() => Promise.resolve(1))).toBe(1);
  });
});
