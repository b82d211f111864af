import { institutionFlagId, institutionFlagJobId } from './flag-institution-fraud.handler';

const flag = { institutionId: 'inst1', year: 2024, reason: 'forged registrations', courses: ['C2', 'C1'] as string[] | null };

describe('an institution flag is known by its content (Art. 14)', () => {
  it('gives each person-year one flag id per (institution, year, reason, courses as a set)', () => {
    const id = institutionFlagId(flag, 'p1', 2024);
    expect(id).toMatch(/^inst-[0-9a-f]{40}$/);
    expect(institutionFlagId({ ...flag, courses: ['C1', 'C2', 'C1'] }, 'p1', 2024)).toBe(id);
    for (const other of [{ ...flag, reason: 'another' }, { ...flag, institutionId: 'inst2' }, { ...flag, year: 2025 }, { ...flag, courses: ['C1'] }, { ...flag, courses: null }]) {
      expect(institutionFlagId(other, 'p1', 2024)).not.toBe(id);
    }
    expect(institutionFlagId(flag, 'p2', 2024)).not.toBe(id);
    expect(institutionFlagId(flag, 'p1', 2025)).not.toBe(id);
  });

  it('names the job after the flag, its poster and the store it was posted on: the same post with nothing written since is the same job', () => {
    const hr = { sub: 'hr-1', role: 'authority' as const, region: '360000' };
    const job = institutionFlagJobId(flag, hr, '41:e41');
    expect(job).toMatch(/^iflag-[0-9a-f]{40}$/);
    expect(institutionFlagJobId({ ...flag, courses: ['C1', 'C2'] }, hr, '41:e41')).toBe(job);
    expect(institutionFlagJobId(flag, hr, '42:e42')).not.toBe(job);
    // The same length, another history (a store restored from a backup, or reset).
    expect(institutionFlagJobId(flag, hr, '41:other')).not.toBe(job);
    expect(institutionFlagJobId(flag, { ...hr, sub: 'hr-2' }, '41:e41')).not.toBe(job);
    expect(institutionFlagJobId({ ...flag, reason: 'another' }, hr, '41:e41')).not.toBe(job);
  });
});
