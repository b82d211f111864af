import type { StoredEvent } from '../event-store.port';
import { OwnAppends } from './own-appends';

const at = (...positions: number[]) => positions.map((position) => ({ position }) as StoredEvent);
const positions = (events: StoredEvent[] | null) => events?.map((e) => e.position) ?? null;

describe('OwnAppends: a subscription is handed this process\'s own appends only where nothing can be missed', () => {
  it('answers a run of consecutive positions that starts right after the one asked from, up to the limit', () => {
    const own = new OwnAppends(100);
    own.add(at(5, 6, 7));
    own.add(at(8));
    expect(positions(own.after(4, 10))).toEqual([5, 6, 7, 8]);
    expect(positions(own.after(5, 2))).toEqual([6, 7]);
    expect(positions(own.after(8, 10))).toBeNull(); // nothing after the last: the file decides
  });

  it('stops before a gap (another process\'s events) and never starts from one it cannot see', () => {
    const own = new OwnAppends(100);
    own.add(at(1, 2));
    own.add(at(5, 6)); // 3 and 4 were appended by another process
    expect(positions(own.after(0, 10))).toEqual([1, 2]);
    expect(positions(own.after(2, 10))).toBeNull();
    expect(positions(own.after(4, 10))).toEqual([5, 6]);
    expect(positions(own.after(3, 10))).toBeNull();
    expect(positions(own.after(0, 0))).toBeNull();
  });

  it('keeps only the latest events once past its capacity', () => {
    const own = new OwnAppends(2);
    for (let p = 1; p <= 5; p++) own.add(at(p));
    expect(positions(own.after(0, 10))).toBeNull();
    expect(positions(own.after(3, 10))).toEqual([4, 5]);
  });
});
