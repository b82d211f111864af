/**
 * Measure validation for a declaration (RULES.md §2; API.md bounds): which subject the activity
 * counts for and how many hours its measure earns, or every field that is wrong and why.
 */
import { categoryIndex, compile, type CompiledItem } from './compiled';
import { checkMeasureValue, isMeasureField } from './measure-fields';
import { measureHours } from './measure-hours';
import type { RuleSet } from './rule-set';
import { CATEGORIES, type Measure, type MeasureError, type MeasureResult, type Subject } from './types';

/** The parts of a declaration request that the rules read; values are checked, not trusted. */
export interface MeasureRequest {
  category: unknown;
  /** `null` is read as absent. */
  subject?: unknown;
  measure?: unknown;
}

export function validateMeasure(ruleSet: RuleSet, request: MeasureRequest): MeasureResult {
  const compiled = compile(ruleSet);
  const index = typeof request.category === 'string' ? categoryIndex(request.category) : -1;
  if (index < 0) return { ok: false, errors: [{ field: 'category', reason: `unknown category; one of ${CATEGORIES.join(', ')}` }] };
  const item = compiled.items[index]!;
  const errors: MeasureError[] = [];
  const subject = resolveSubject(item, request.subject, errors);
  const measure = readMeasure(item, compiled.art7.partDayBelowMinutes, request.measure, errors);
  if (errors.length > 0 || subject === undefined || measure === undefined) return { ok: false, errors };
  const earned = measureHours(item, compiled.art7, measure);
  if (earned === undefined) return { ok: false, errors: [{ field: 'measure', reason: `does not fit item ${item.category}` }] };
  // **Decision**: 8(8) points are the year's total and 0–999 points are within the bounds of
  // API.md, so they are taken and earn 0 学时; any other measure that earns 0 is refused.
  if (earned.hours === 0 && item.measure.kind !== 'points') {
    return { ok: false, errors: [{ field: 'measure', reason: 'earns 0 hours' }] };
  }
  return { ok: true, hours: earned.hours, subject };
}

function resolveSubject(item: CompiledItem, value: unknown, errors: MeasureError[]): Subject | undefined {
  const given = value ?? undefined;
  if (given !== undefined && given !== 'public' && given !== 'professional') {
    errors.push({ field: 'subject', reason: 'must be "public" or "professional"' });
    return undefined;
  }
  const rule = item.subject;
  switch (rule.rule) {
    case 'declared':
      if (given === undefined) errors.push({ field: 'subject', reason: `required for item ${item.category}: "public" or "professional"` });
      return given;
    case 'defaulted':
      return given ?? rule.subject;
    case 'fixed':
      if (given !== undefined && given !== rule.subject) {
        errors.push({ field: 'subject', reason: `item ${item.category} counts ${rule.subject} hours only` });
        return undefined;
      }
      return rule.subject;
  }
}

function describe(item: CompiledItem): string {
  const fields = [...item.allowed];
  return fields.length === 0 ? 'no measure' : fields.join(', ');
}

function readMeasure(item: CompiledItem, partDay: number, raw: unknown, errors: MeasureError[]): Measure | undefined {
  const rule = item.measure;
  if (raw === undefined) {
    if (rule.kind === 'fixed') return {};
    errors.push({ field: 'measure', reason: `required for item ${item.category}: ${describe(item)}` });
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    errors.push({ field: 'measure', reason: 'must be an object' });
    return undefined;
  }
  const before = errors.length;
  const given = new Set<keyof Measure>();
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (!isMeasureField(key)) {
      errors.push({ field: `measure.${key}`, reason: 'unknown field' });
    } else if (!item.allowed.has(key)) {
      errors.push({ field: `measure.${key}`, reason: `not a measure of item ${item.category} (takes ${describe(item)})` });
    } else {
      given.add(key);
      const reason = checkMeasureValue(key, value, partDay);
      if (reason !== undefined) errors.push({ field: `measure.${key}`, reason });
    }
  }
  const m = raw as Measure;
  switch (rule.kind) {
    case 'duration': {
      const forms = rule.formList.filter((f) => given.has(f));
      if (forms.length === 0) errors.push({ field: 'measure', reason: `give one of ${rule.formList.join(', ')}` });
      if (forms.length > 1) errors.push({ field: 'measure', reason: `give only one of ${forms.join(', ')}` });
      if (given.has('extraMinutes') && !given.has('days')) {
        errors.push({ field: 'measure.extraMinutes', reason: 'only together with days (a part day after whole days)' });
      }
      break;
    }
    case 'courses':
    case 'points':
      if (!given.has(rule.kind)) errors.push({ field: `measure.${rule.kind}`, reason: 'required' });
      break;
    case 'table': {
      const value = m[rule.field];
      const known = [...rule.values.keys()].join(', ');
      if (!given.has(rule.field)) errors.push({ field: `measure.${rule.field}`, reason: `required: one of ${known}` });
      else if (typeof value === 'string' && !rule.values.has(value)) {
        errors.push({ field: `measure.${rule.field}`, reason: `unknown ${rule.field} "${value}"; one of ${known}` });
      }
      break;
    }
    case 'fixed':
      break;
  }
  return errors.length === before ? m : undefined;
}
