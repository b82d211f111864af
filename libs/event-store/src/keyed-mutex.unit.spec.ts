import { KeyedMutex } from './keyed-mutex';
import { deferred } from './testing/event-fixtures';

describe('KeyedMutex', () => {
  it('runs tasks on one key one at a time, in arrival order', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const gate = deferred();
    const first = mutex.runExclusive('k', async () => {
      log.push('first:start');
      await gate.promise;
      log.push('first:end');
    });
    const second = mutex.runExclusive('k', async () => {
      log.push('second');
    });
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['first:start']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(log).toEqual(['first:start', 'first:end', 'second']);
  });

  it('lets different keys run at the same time', async () => {
    const mutex = new KeyedMutex();
    const gate = deferred();
    const blocked = mutex.runExclusive('a', () => gate.promise);
    await expect(mutex.runExclusive('b', async () => 'b ran')).resolves.toBe('b ran');
    gate.resolve();
    await blocked;
  });

  it('releases the key when the task throws, and forgets idle keys', async () => {
    const mutex = new KeyedMutex();
    await expect(mutex.runExclusive('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(mutex.runExclusive('k', async () => 'after')).resolves.toBe('after');
    expect(mutex.size).toBe(0);
  });

  it('does not deadlock when two callers need the same keys named in opposite orders', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`${name}:in`);
      await new Promise((r) => setImmediate(r));
      log.push(`${name}:out`);
    };
    await Promise.all([mutex.runExclusive(['x', 'y'], task('A')), mutex.runExclusive(['y', 'x'], task('B'))]);
    expect(log).toEqual(['A:in', 'A:out', 'B:in', 'B:out']);
    expect(mutex.size).toBe(0);
  });
});
