/**
 * The first step of every explanation: how the measure became hours (Arts. 7–10), with the
 * numbers, in one zh-CN sentence, e.g. "3 天 × 8 + 270 分钟 ÷ 45 = 30.00 学时".
 */
import type { CompiledItem } from './compiled';
import { formatHours, fromHours } from './hundredths';
import { measureHours } from './measure-hours';
import type { Art7 } from './rule-set.schema';
import type { ActivityInput, ExplanationStep } from './types';

const SUBJECT_ZH = { public: '公需科目', professional: '专业科目' } as const;

export function subjectZh(subject: string): string {
  return subject === 'public' || subject === 'professional' ? SUBJECT_ZH[subject] : subject;
}

export function measureStep(item: CompiledItem, art7: Readonly<Art7>, a: ActivityInput): ExplanationStep {
  const m = a.measure;
  const earned = measureHours(item, art7, m);
  if (earned === undefined) {
    return {
      code: 'MEASURE_RECORDED',
      article: item.article,
      values: { item: item.category, claimed: a.claimed / 100 },
      text: `${item.name}：申报 ${formatHours(a.claimed)} 学时`,
    };
  }
  const result = `${earned.exact ? '=' : '≈'} ${formatHours(earned.hours)} 学时`;
  const hours = earned.hours / 100;
  const rule = item.measure;
  const n = item.articleNumber;
  switch (rule.kind) {
    case 'duration': {
      const mult = rule.multiplier100 / 100;
      const times = mult === 1 ? '' : ` × ${mult}`;
      const values = { item: item.category, multiplier: mult, minutesPerHour: art7.minutesPerHour, hours };
      const teaching = n === '10';
      const code = (form: string): string => (teaching ? 'ART10_TEACHING' : form);
      const article = teaching ? item.article : '7';
      const prefix = teaching ? '授课时间 ' : '';
      if (m.hours !== undefined) {
        const text = `${prefix}实际学习时间 ${formatHours(fromHours(m.hours))} 学时${times} ${result}`;
        return { code: code(`ART${n}_HOURS`), article: item.article, values: { ...values, given: m.hours }, text };
      }
      if (m.days !== undefined) {
        const extra = m.extraMinutes ?? 0;
        const sum = `${m.days} 天 × ${art7.hoursPerDay}${extra > 0 ? ` + ${extra} 分钟 ÷ ${art7.minutesPerHour}` : ''}`;
        const text = `${prefix}${mult === 1 ? sum : `(${sum})${times}`} ${result}`;
        return { code: code('ART7_DAYS'), article, values: { ...values, days: m.days, extraMinutes: extra, hoursPerDay: art7.hoursPerDay }, text };
      }
      const text = `${prefix}${m.minutes ?? 0} 分钟${times} ÷ ${art7.minutesPerHour} ${result}`;
      return { code: code('ART7_MINUTES'), article, values: { ...values, minutes: m.minutes ?? 0 }, text };
    }
    case 'courses':
      return {
        code: `ART${n}_COURSES`,
        article: item.article,
        values: { item: item.category, courses: m.courses ?? 0, hoursPerCourse: rule.perCourse / 100, hours },
        text: `${item.name}：${m.courses ?? 0} 门课程 × ${rule.perCourse / 100} ${result}`,
      };
    case 'points':
      return {
        code: `ART${n}_POINTS`,
        article: item.article,
        values: { item: item.category, points: m.points ?? 0, pointsPerHour: rule.pointsPerHour, hours },
        text: `${item.name} ${m.points ?? 0} 分 ÷ ${rule.pointsPerHour}，按整学时向下取整 = ${formatHours(earned.hours)} 学时`,
      };
    case 'table': {
      const key = m[rule.field] ?? '';
      const label = rule.values.get(key)?.label ?? key;
      return {
        code: `ART${n}_${rule.field.toUpperCase()}`,
        article: item.article,
        values: { item: item.category, [rule.field]: key, hours },
        text: `${item.name}（${label}）${result}`,
      };
    }
    case 'fixed':
      return {
        code: `ART${n}_FIXED`,
        article: item.article,
        values: { item: item.category, hours },
        text: `${item.name} 1 项 ${result}`,
      };
  }
}
