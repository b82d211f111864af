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

  it('names the job after the flag and the store it was posted on: the same post with nothing written since is the same job', () => {
    const job = institutionFlagJobId(flag, 41);
    expect(job).toMatch(/^iflag-[0-9a-f]{40}$/);
    expect(institutionFlagJobId({ ...flag, courses: ['C1', 'C2'] }, 41)).toBe(job);
    expect(institutionFlagJobId(flag, 42)).not.toBe(job);
    expect(institutionFlagJobId({ ...flag, reason: 'another' }, 41)).not.toBe(job);
  });
});
