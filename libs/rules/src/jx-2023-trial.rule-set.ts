/**
 * 《江西省专业技术人员继续教育学时认定办法（试行）》, 赣人社规〔2023〕2号, in force from 2023-07-01
 * (Art. 17): RULES.md §2–3 as data. Hours are 学时; caps are per person-year, both subjects together.
 */
import type { BaseRuleSetDocument, ItemRule } from './rule-set.schema';

export const JX_2023_TRIAL_ID = 'jx-2023-trial';

const professional = { rule: 'fixed', subject: 'professional' } as const;
/** Art. 7 time, as actual time (8(1)–8(4)). */
const actualTime: ItemRule['measure'] = { kind: 'duration', forms: ['hours', 'minutes', 'days'], multiplier: 1 };
const levels = (national: number, provincial: number, municipal: number): ItemRule['measure'] => ({
  kind: 'table',
  field: 'level',
  values: {
    national: { hours: national, label: '国家级' },
    provincial: { hours: provincial, label: '省部级' },
    municipal: { hours: municipal, label: '市厅级' },
  },
});

export const jx2023Trial: BaseRuleSetDocument = {
  id: JX_2023_TRIAL_ID,
  version: '1',
  title: '江西省专业技术人员继续教育学时认定办法（试行）',
  source: '赣人社规〔2023〕2号',
  effectiveFrom: '2023-07-01',
  // Art. 6: 公需科目 ≥ 30 and 专业科目 ≥ 60 each year, 90 in all.
  requirement: { public: 30, professional: 60, total: 90 },
  // Art. 7.
  art7: { minutesPerHour: 45, hoursPerDay: 8, partDayBelowMinutes: 360 },
  items: {
    '8.1': { article: '8(1)', name: '继续教育机构组织的培训', subject: { rule: 'declared' }, measure: actualTime, cap: null },
    '8.2': { article: '8(2)', name: '高级研修及专业能力提升培训项目', subject: { rule: 'declared' }, measure: actualTime, cap: null },
    '8.3': { article: '8(3)', name: '本单位专业能力提升培训', subject: professional, measure: actualTime, cap: 10 },
    '8.4': { article: '8(4)', name: '研修访学、脱产进修', subject: professional, measure: actualTime, cap: 30 },
    // "按实际参会天数": days × 8, a part day its actual time; there is no `hours` form.
    '8.5': {
      article: '8(5)',
      name: '学术会议、学术讲座',
      subject: professional,
      measure: { kind: 'duration', forms: ['minutes', 'days'], multiplier: 1 },
      cap: 10,
    },
    // The cap of 30 covers the courses of both subjects together ("合计每年不超过 30 学时").
    '8.6': { article: '8(6)', name: '学历（学位）教育课程', subject: { rule: 'declared' }, measure: { kind: 'courses', hoursPerCourse: 10 }, cap: 30 },
    '8.7': {
      article: '8(7)',
      name: '职（执）业资格考试',
      subject: professional,
      measure: {
        kind: 'table',
        field: 'level',
        values: {
          junior: { hours: 10, label: '初级' },
          intermediate: { hours: 20, label: '中级' },
          senior: { hours: 30, label: '高级' },
        },
      },
      cap: null,
    },
    '8.8': {
      article: '8(8)',
      name: '学习强国年度积分',
      subject: { rule: 'fixed', subject: 'public' },
      measure: { kind: 'points', pointsPerHour: 1000 },
      cap: 10,
    },
    // Art. 9: achievements; ranking among authors does not matter ("不区分排名").
    '9.1': { article: '9(1)', name: '核心刊物论文', subject: professional, measure: { kind: 'fixed', hours: 10 }, cap: 30 },
    '9.2': {
      article: '9(2)',
      name: '学术著作',
      subject: professional,
      measure: { kind: 'table', field: 'kind', values: { sole: { hours: 20, label: '独著' }, edited: { hours: 10, label: '编著' } } },
      cap: 30,
    },
    '9.3': {
      article: '9(3)',
      name: '专利、软件著作权',
      subject: professional,
      measure: {
        kind: 'table',
        field: 'kind',
        values: {
          invention: { hours: 5, label: '发明专利' },
          utility: { hours: 3, label: '实用新型专利' },
          software: { hours: 1, label: '软件著作权' },
          design: { hours: 1, label: '外观设计专利' },
        },
      },
      cap: 10,
    },
    '9.4': { article: '9(4)', name: '课题项目结题', subject: professional, measure: levels(30, 20, 10), cap: 30 },
    '9.5': { article: '9(5)', name: '科研成果获奖', subject: professional, measure: levels(60, 40, 20), cap: 60 },
    // Art. 10: twice the actual speaking/teaching time; 公需 when teaching a public-subject course.
    '10': {
      article: '10',
      name: '学术报告、授课',
      subject: { rule: 'defaulted', subject: 'professional' },
      measure: { kind: 'duration', forms: ['minutes'], multiplier: 2 },
      cap: 20,
    },
  },
};
