import { describe, expect, it } from 'vitest';
import { ConcurrencyLimit, mapInOrder } from '../../src/models/openai/concurrency-limit.js';

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

describe('mapInOrder(items, width, task)', () => {
  it('answers like Promise.all over all items, starting them in order with at most `width` pending', async () => {
    let pending = 0;
    let peak = 0;
    const started: number[] = [];
    const got = await mapInOrder(Array.from({ length: 300 }, (_, i) => i), 7, async (item, index) => {
      expect(index).toBe(item);
      started.push(item);
      pending++;
      peak = Math.max(peak, pending);
      // Uneven durations, so tasks finish out of order.
      for (let k = 0; k < item % 5; k++) await new Promise((resolve) => setImmediate(resolve));
      pending--;
      return item * item;
    });
    expect(got).toEqual(Array.from({ length: 300 }, (_, i) => i * i));
    expect(started).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(peak).toBe(7);
    expect(await mapInOrder([], 4, () => Promise.resolve(1))).toEqual([]);
  });

  it('rejects with the first failure at once, and still runs the other items (as Promise.all over them did)', async () => {
    const ran: number[] = [];
    const boom = new Error('item 3');
    const result = mapInOrder(Array.from({ length: 10 }, (_, i) => i), 2, (item) => {
      ran.push(item);
      if (item === 5) throw new Error('item 5, thrown at once');
      return item === 3 ? Promise.reject(boom) : new Promise<number>((resolve) => setImmediate(() => resolve(item)));
    });
    await expect(result).rejects.toBe(boom);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ran).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });
});
