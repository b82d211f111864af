import { ConcurrencyGate } from './concurrency-gate';

describe('ConcurrencyGate', () => {
  it('admits up to its limit, then the waiting in arrival order as slots free', async () => {
    const gate = new ConcurrencyGate(2);
    const admitted: string[] = [];
    const enter = (name: string): Promise<void> => gate.enter().then((ok) => void (ok && admitted.push(name)));
    const entries = [enter('a'), enter('b'), enter('c'), enter('d')];
    await Promise.all(entries.slice(0, 2));
    expect(admitted).toEqual(['a', 'b']);
    expect(gate.queued).toBe(2);
    gate.leave();
    await entries[2];
    expect(admitted).toEqual(['a', 'b', 'c']);
    gate.leave();
    await entries[3];
    expect(admitted).toEqual(['a', 'b', 'c', 'd']);
    gate.leave();
    gate.leave();
    // All slots free again: the next two go straight in.
    expect(await Promise.all([gate.enter(), gate.enter()])).toEqual([true, true]);
  });

  it('turns the waiting away on shut, newest first, and admits nobody after', async () => {
    const gate = new ConcurrencyGate(1);
    expect(await gate.enter()).toBe(true);
    const turnedAway: string[] = [];
    const waiting = ['older', 'newer'].map((name) => gate.enter().then((ok) => void (ok || turnedAway.push(name))));
    gate.shut();
    await Promise.all(waiting);
    expect(turnedAway).toEqual(['newer', 'older']);
    expect(await gate.enter()).toBe(false);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new ConcurrencyGate(0)).toThrow(RangeError);
    expect(() => new ConcurrencyGate(1.5)).toThrow(RangeError);
  });
});
