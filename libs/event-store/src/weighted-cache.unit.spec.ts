import { WeightedCache } from './weighted-cache';

const cacheOf = (capacity: number) => new WeightedCache<string, string[]>(capacity, (events) => events.length + 1);

describe('WeightedCache: bounded by the weight it holds, least recently stored out first', () => {
  it('holds at most its capacity of weight, evicting the least recently stored first', () => {
    const cache = cacheOf(8);
    cache.set('a', ['1', '2', '3']);
    cache.set('b', ['1', '2', '3']);
    expect(cache.weight).toBe(8);
    cache.set('c', ['1']);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, ['1', '2', '3'], ['1']]);
    expect(cache.weight).toBe(6);
  });

  it('storing a key again replaces its weight and makes it the most recent', () => {
    const cache = cacheOf(8);
    cache.set('a', ['1']);
    cache.set('b', ['1']);
    cache.set('a', ['1', '2', '3']);
    expect(cache.weight).toBe(6);
    cache.set('c', ['1', '2']);
    // b, stored before a was stored again, is now the least recent.
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([['1', '2', '3'], undefined, ['1', '2']]);
    expect(cache.weight).toBe(7);
  });

  it('keeps an entry heavier than its whole capacity alone, until another is stored', () => {
    const cache = cacheOf(3);
    cache.set('a', ['1']);
    cache.set('huge', ['1', '2', '3']);
    expect([cache.get('a'), cache.get('huge'), cache.weight]).toEqual([undefined, ['1', '2', '3'], 4]);
    cache.set('b', ['1']);
    expect([cache.get('huge'), cache.get('b'), cache.weight]).toEqual([undefined, ['1'], 2]);
  });

  it('a deleted entry gives its weight back', () => {
    const cache = cacheOf(8);
    cache.set('a', ['1', '2']);
    cache.delete('a');
    cache.delete('never-stored');
    expect([cache.get('a'), cache.weight]).toEqual([undefined, 0]);
  });
});
