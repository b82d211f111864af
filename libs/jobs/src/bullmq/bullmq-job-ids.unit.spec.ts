import fc from 'fast-check';
import { bullMqJobIdCandidates, fromBullMqJobId, toBullMqJobId } from './bullmq-job-ids';

/** What BullMQ's Job.validateOptions refuses in a custom id. */
function bullMqRefuses(id: string): boolean {
  return `${parseInt(id, 10)}` === id || (id.includes(':') && id.split(':').length !== 3);
}

describe('BullMQ job ids', () => {
  it('stores ordinary ids unchanged', () => {
    for (const id of ['3f0c1d9e-8a4b-4c2d-9e7f-0a1b2c3d4e5f', 'flag-inst-1-2024', '007', 'a.b_c']) {
      expect(toBullMqJobId(id)).toBe(id);
    }
  });

  it('escapes what BullMQ refuses or reserves', () => {
    expect(toBullMqJobId('sweep:2024')).toBe('sweep%3A2024');
    expect(toBullMqJobId('42')).toBe('%342');
    expect(toBullMqJobId('-7')).toBe('%2D7');
    expect(toBullMqJobId('100%')).toBe('100%25');
  });

  it('round-trips every non-empty id to one BullMQ accepts, distinct ids to distinct ones', () => {
    // Mostly the characters that matter (separators, escapes, digits), some of any kind.
    const tricky = fc.string({ minLength: 1, unit: fc.oneof(fc.constantFrom(':', '%', '2', '3', '5', 'A', 'a', '-', '0'), fc.string({ minLength: 1, maxLength: 1 })) });
    fc.assert(
      fc.property(tricky, tricky, (a, b) => {
        const stored = toBullMqJobId(a);
        expect(bullMqRefuses(stored)).toBe(false);
        expect(fromBullMqJobId(stored)).toBe(a);
        if (a !== b) expect(toBullMqJobId(b)).not.toBe(stored);
      }),
    );
    fc.assert(fc.property(fc.integer(), (n) => expect(fromBullMqJobId(toBullMqJobId(String(n)))).toBe(String(n))));
  });

  it('shows the id of a scheduled run, which BullMQ made, as it is', () => {
    expect(fromBullMqJobId('repeat:repeat:sweep:1700000000000')).toBe('repeat:repeat:sweep:1700000000000');
    expect(bullMqJobIdCandidates('repeat:repeat:sweep:1700000000000')).toEqual(['repeat%3Arepeat%3Asweep%3A1700000000000', 'repeat:repeat:sweep:1700000000000']);
    expect(bullMqJobIdCandidates('sweep:2024')).toEqual(['sweep%3A2024']);
  });

  it('refuses an empty id', () => {
    expect(() => toBullMqJobId('')).toThrow(RangeError);
  });
});
