/** An explanation for every counted hour: stable codes, the article, the numbers, one zh-CN line. */
import { evaluate } from './evaluate';
import { defaultRegistry } from './registry';
import { activity as act, finalizedYear, personYear } from './testing';
import type { ActivityInput, ExplanationStep, PersonYearInput } from './types';

const jx = defaultRegistry().resolve('jx-2023-trial');
const steps = (py: PersonYearInput, id: string): ExplanationStep[] => evaluate(jx, py).activities.find((a) => a.activityId === id)!.explanation;
const texts = (py: PersonYearInput, id: string): string[] => steps(py, id).map((s) => s.text);
const one = (a: ActivityInput): PersonYearInput => personYear([a]);

describe('the derivation of the hours (Arts. 7–10)', () => {
  it.each<[string, ActivityInput, string, string, string]>([
    ['Art. 7 days + part day', act({ activityId: 'x', category: '8.1', hours: 30, measure: { days: 3, extraMinutes: 270 } }), 'ART7_DAYS', '7', '3 天 × 8 + 270 分钟 ÷ 45 = 30.00 学时'],
    ['Art. 7 whole days', act({ activityId: 'x', category: '8.5', hours: 16, measure: { days: 2 } }), 'ART7_DAYS', '7', '2 天 × 8 = 16.00 学时'],
    ['Art. 7 minutes, rounded', act({ activityId: 'x', category: '8.1', hours: 2.22, measure: { minutes: 100 } }), 'ART7_MINUTES', '7', '100 分钟 ÷ 45 ≈ 2.22 学时'],
    ['8(1) hours as given', act({ activityId: 'x', category: '8.1', hours: 12.5, measure: { hours: 12.5 } }), 'ART8_HOURS', '8(1)', '实际学习时间 12.50 学时 = 12.50 学时'],
    ['8(6) courses', act({ activityId: 'x', category: '8.6', hours: 20, measure: { courses: 2 } }), 'ART8_COURSES', '8(6)', '学历（学位）教育课程：2 门课程 × 10 = 20.00 学时'],
    ['8(7) level', act({ activityId: 'x', category: '8.7', hours: 20, measure: { level: 'intermediate' } }), 'ART8_LEVEL', '8(7)', '职（执）业资格考试（中级）= 20.00 学时'],
    ['8(8) points', act({ activityId: 'x', category: '8.8', hours: 12, measure: { points: 12345 } }), 'ART8_POINTS', '8(8)', '学习强国年度积分 12345 分 ÷ 1000，按整学时向下取整 = 12.00 学时'],
    ['9(1) fixed', act({ activityId: 'x', category: '9.1', hours: 10 }), 'ART9_FIXED', '9(1)', '核心刊物论文 1 项 = 10.00 学时'],
    ['9(2) kind', act({ activityId: 'x', category: '9.2', hours: 20, measure: { kind: 'sole' } }), 'ART9_KIND', '9(2)', '学术著作（独著）= 20.00 学时'],
    ['9(4) level', act({ activityId: 'x', category: '9.4', hours: 20, measure: { level: 'provincial' } }), 'ART9_LEVEL', '9(4)', '课题项目结题（省部级）= 20.00 学时'],
    ['Art. 10 teaching', act({ activityId: 'x', category: '10', hours: 4.44, measure: { minutes: 100 } }), 'ART10_TEACHING', '10', '授课时间 100 分钟 × 2 ÷ 45 ≈ 4.44 学时'],
  ])('%s', (_rule, a, code, article, text) => {
    expect(steps(one(a), 'x')[0]).toMatchObject({ code, article, text });
  });

  it('carries the numbers it used', () => {
    expect(steps(one(act({ activityId: 'x', category: '8.1', hours: 30, measure: { days: 3, extraMinutes: 270 } })), 'x')[0]?.values).toMatchObject({
      days: 3, extraMinutes: 270, hoursPerDay: 8, minutesPerHour: 45, hours: 30,
    });
  });

  it('says when the recorded claimed hours differ from what the measure gives under this rule set', () => {
    const s = steps(one(act({ activityId: 'x', category: '9.1', hours: 12 })), 'x');
    expect(s[1]).toMatchObject({ code: 'CLAIMED_RECORDED', text: '申报时认定 12.00 学时，以此为准' });
  });
});

describe('the workflow, Art. 11, the caps, Art. 14 and what is counted', () => {
  it('a verified activity: derivation, the unit\'s verification, what it counts', () => {
    const a = act({ activityId: 'x', category: '8.1', subject: 'public', hours: 30, verifiedHours: 24, measure: { days: 3, extraMinutes: 270 } });
    expect(steps(one(a), 'x').map((s) => [s.code, s.article, s.text])).toEqual([
      ['ART7_DAYS', '7', '3 天 × 8 + 270 分钟 ÷ 45 = 30.00 学时'],
      ['UNIT_VERIFIED', '12', '用人单位核定 24.00 学时（申报 30.00 学时）'],
      ['COUNTED', '6', '计入公需科目 24.00 学时（核定结果）'],
    ]);
  });

  it('a make-up activity (completed after the year) says it counts for the short year by Art. 13', () => {
    const a = act({ activityId: 'x', category: '8.1', subject: 'public', hours: 30, verifiedHours: 30, completedOn: '2025-05-06', measure: { days: 3, extraMinutes: 270 } });
    const py = personYear([a]);
    expect(py.year).toBe(2024);
    expect(steps(py, 'x').map((s) => s.code)).toEqual(['ART7_DAYS', 'ART13_MAKE_UP', 'UNIT_VERIFIED', 'COUNTED']);
    expect(steps(py, 'x')[1]).toEqual({ code: 'ART13_MAKE_UP', article: '13', values: { completedOn: '2025-05-06', year: 2024 }, text: '2025-05-06 完成的补学，计入 2024 年度（第十三条）' });
    expect(steps(one(act({ activityId: 'y', category: '8.1', hours: 2, completedOn: '2024-12-31', measure: { hours: 2 } })), 'y').map((s) => s.code)).not.toContain('ART13_MAKE_UP');
  });

  it('the cap: "年度上限 10，已计 8.00，本项计 2.00"', () => {
    const py = personYear([
      act({ activityId: 'a', category: '8.3', hours: 8, completedOn: '2024-01-01' }),
      act({ activityId: 'b', category: '8.3', hours: 6, completedOn: '2024-02-01', measure: { hours: 6 } }),
    ]);
    expect(steps(py, 'b').find((s) => s.code === 'ART8_CAP')).toEqual({
      code: 'ART8_CAP', article: '8(3)', values: { cap: 10, before: 8, hours: 6, counted: 2 }, text: '年度上限 10，已计 8.00，本项计 2.00',
    });
    expect(texts(py, 'a')).toContain('年度上限 10，已计 0.00，本项计 8.00');
  });

  it('8(6)\'s cap says it covers both subjects; Art. 9 and 10 caps carry their own codes', () => {
    const py = personYear([
      act({ activityId: 'c', category: '8.6', subject: 'public', hours: 10 }),
      act({ activityId: 'p', category: '9.1', hours: 10 }),
      act({ activityId: 't', category: '10', hours: 2 }),
    ]);
    expect(texts(py, 'c')).toContain('年度上限 30（公需、专业科目合计），已计 0.00，本项计 10.00');
    expect(steps(py, 'p').map((s) => s.code)).toContain('ART9_CAP');
    expect(steps(py, 't').map((s) => s.code)).toContain('ART10_CAP');
  });

  it('Art. 11 before the caps: when the one kept is cut by its cap, the superseded one says so', () => {
    const py = personYear([
      act({ activityId: 'u0', category: '8.3', hours: 10, completedOn: '2024-01-01' }),
      act({ activityId: 'u1', category: '8.3', hours: 12, contentKey: 'K', completedOn: '2024-02-01' }),
      act({ activityId: 't1', category: '8.1', hours: 11, contentKey: 'K', completedOn: '2024-03-01' }),
    ]);
    expect(steps(py, 't1').at(-1)!.text).toBe('同一内容（contentKey: K）按最高学时认定一次，由 u1 计入（u1 受年度上限所限，计 0.00），本项计 0');
  });

  it('Art. 11: the superseded one names the one that counts; that one says so too', () => {
    const py = personYear([
      act({ activityId: 'a7', category: '8.1', hours: 16, contentKey: 'course-1' }),
      act({ activityId: 'a3', category: '8.1', hours: 12, contentKey: 'course-1' }),
    ]);
    expect(steps(py, 'a3').at(-1)).toEqual({
      code: 'ART11_SUPERSEDED', article: '11', values: { contentKey: 'course-1', keptBy: 'a7', hours: 12, counted: 0, keptCounted: 16 },
      text: '同一内容（contentKey: course-1）按最高学时认定一次，由 a7 计入，本项计 0',
    });
    expect(texts(py, 'a7')).toContain('同一内容（contentKey: course-1）共 2 项，按最高学时 16.00 由本项计入');
  });

  it('Art. 14: a voided year says why the activity counts 0', () => {
    const py = personYear([act({ activityId: 'x', category: '8.1', hours: 8 })], { status: 'voided' });
    expect(steps(py, 'x').at(-1)).toMatchObject({ code: 'ART14_VOIDED', article: '14' });
  });

  it('pending, rejected and withdrawn activities say why they count 0', () => {
    const py = personYear([
      act({ activityId: 'd', category: '8.1', hours: 8, status: 'declared' }),
      act({ activityId: 'r', category: '8.1', hours: 8, status: 'rejected' }),
      act({ activityId: 'w', category: '8.1', hours: 8, status: 'withdrawn' }),
    ]);
    expect(steps(py, 'd').slice(1).map((s) => s.code)).toEqual(['UNIT_PENDING', 'NOT_COUNTED']);
    expect(steps(py, 'r').slice(1).map((s) => s.code)).toEqual(['UNIT_REJECTED', 'NOT_COUNTED']);
    expect(steps(py, 'w').slice(1).map((s) => s.code)).toEqual(['WITHDRAWN', 'NOT_COUNTED']);
  });

  it('the authority\'s final review: adjusted, rejected, confirmed', () => {
    const py = finalizedYear([
      act({ activityId: 'adj', category: '8.1', hours: 8, finalHours: 5 }),
      act({ activityId: 'rej', category: '8.1', hours: 8, finalHours: 0, finalRejected: true }),
      act({ activityId: 'ok', category: '8.1', hours: 8 }),
    ]);
    expect(texts(py, 'adj')).toEqual(expect.arrayContaining(['终审调整为 5.00 学时（核定 8.00 学时）', '计入专业科目 5.00 学时（终审结果）']));
    expect(steps(py, 'rej').slice(-2).map((s) => s.code)).toEqual(['AUTHORITY_REJECTED', 'NOT_COUNTED']);
    expect(steps(py, 'ok').map((s) => s.code)).toContain('AUTHORITY_FINAL');
  });

  it('every step has a code, an article and a sentence; COUNTED equals the counted hours', () => {
    const e = evaluate(jx, personYear([
      act({ activityId: 'a', category: '8.3', hours: 8, measure: { hours: 8 } }),
      act({ activityId: 'b', category: '8.3', hours: 8, measure: { hours: 8 }, completedOn: '2024-05-01' }),
    ]));
    for (const a of e.activities) {
      for (const s of a.explanation) expect(s).toEqual({ code: expect.stringMatching(/^[A-Z0-9_]+$/), article: expect.stringMatching(/^\d+(\(\d\))?$/), values: expect.any(Object), text: expect.any(String) });
      expect(a.explanation.at(-1)).toMatchObject({ code: 'COUNTED', values: { counted: a.hours.counted } });
    }
  });
});

describe('a final of 0 that is no rejection (8(8) under 1,000 points, finalised as verified)', () => {
  const py = finalizedYear([act({ activityId: 'pts', category: '8.8', hours: 0, finalHours: 0 })]);

  it('stays in the final tier at 0, as finalised, with the status the unit gave', () => {
    const e = evaluate(jx, py, { explain: true });
    const pts = e.activities[0]!;
    expect([pts.status, pts.hours, pts.notes]).toEqual(['verified', { claimed: 0, verified: 0, final: 0, counted: 0 }, []]);
    expect(pts.explanation.map((s) => s.code)).toContain('AUTHORITY_FINAL');
    expect(pts.explanation.map((s) => s.code)).not.toContain('AUTHORITY_REJECTED');
  });
});
