import { ConcurrencyGate } from './concurrency-gate';

describe('ConcurrencyGate', () => {
  it('admits up to its limit, turns the next away while full, and admits again once a slot frees', () => {
    const gate = new ConcurrencyGate(2);
    expect([gate.tryEnter(), gate.tryEnter(), gate.tryEnter()]).toEqual(['entered', 'entered', 'full']);
    gate.leave();
    expect([gate.tryEnter(), gate.tryEnter()]).toEqual(['entered', 'full']);
    gate.leave();
    gate.leave();
    expect([gate.tryEnter(), gate.tryEnter(), gate.tryEnter()]).toEqual(['entered', 'entered', 'full']);
  });

  it('admits nobody once shut, even with slots free', () => {
    const gate = new ConcurrencyGate(1);
    gate.shut();
    expect(gate.tryEnter()).toBe('shut');
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new ConcurrencyGate(0)).toThrow(RangeError);
    expect(() => new ConcurrencyGate(1.5)).toThrow(RangeError);
  });
});
