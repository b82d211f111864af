/**
 * Rule sets are versioned data (RULES.md §4, Art. 15): these zod schemas are what a document must
 * look like to be loaded. Hours in a document are 学时 as decimal numbers (≤ 2 decimals); the
 * engine turns them into integer hundredths when it compiles the rule set.
 */
import { z } from 'zod';
import { tryFromHours } from './hundredths';
import { CATEGORIES } from './types';

const hasTwoDecimals = (v: number): boolean => tryFromHours(v) !== undefined;
const isCalendarDate = (s: string): boolean => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

export const SubjectSchema = z.enum(['public', 'professional']);
export const CategorySchema = z.enum(CATEGORIES);
export const RuleSetIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lowercase letters, digits and "-", 1–64');
const DateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD').refine(isCalendarDate, 'not a calendar date');
/** A positive number of 学时 (or a factor) with at most 2 decimals. */
const HoursSchema = z.number().positive().max(100000).refine(hasTwoDecimals, 'at most 2 decimals');
const WholeHoursOrZero = z.number().min(0).max(100000).refine(hasTwoDecimals, 'at most 2 decimals');

/**
 * Who decides an activity's subject (公需 = public, 专业 = professional):
 * `declared` — the request must say (8(1), 8(2), 8(6)); `fixed` — the item decides, a contradicting
 * request is refused; `defaulted` — the request may say, else `subject` (item 10: professional).
 */
export const SubjectRuleSchema = z.discriminatedUnion('rule', [
  z.strictObject({ rule: z.literal('declared') }),
  z.strictObject({ rule: z.literal('fixed'), subject: SubjectSchema }),
  z.strictObject({ rule: z.literal('defaulted'), subject: SubjectSchema }),
]);

export const DURATION_FORMS = ['hours', 'minutes', 'days'] as const;
const DurationFormSchema = z.enum(DURATION_FORMS);
const TableKeySchema = z.string().regex(/^[a-z_]{1,32}$/, 'lowercase key');

/** How the measure of a request becomes hours (RULES.md §2, column "hours"). */
export const MeasureRuleSchema = z.discriminatedUnion('kind', [
  // Art. 7 time: `hours`, or `minutes`, or `days` (+ `extraMinutes`), times `multiplier` (Art. 10: 2).
  z.strictObject({
    kind: z.literal('duration'),
    forms: z.array(DurationFormSchema).min(1).refine((f) => new Set(f).size === f.length, 'forms repeat'),
    multiplier: HoursSchema,
  }),
  // Art. 8(6): so many 学时 per course passed.
  z.strictObject({ kind: z.literal('courses'), hoursPerCourse: HoursSchema }),
  // Art. 8(8): ⌊points / pointsPerHour⌋ whole 学时.
  z.strictObject({ kind: z.literal('points'), pointsPerHour: z.number().int().positive() }),
  // Art. 8(7), 9(2)–9(5): a `level` or `kind` chosen from a table.
  z.strictObject({
    kind: z.literal('table'),
    field: z.enum(['level', 'kind']),
    values: z
      .record(TableKeySchema, z.strictObject({ hours: HoursSchema, label: z.string().min(1) }))
      .refine((v) => Object.keys(v).length > 0, 'at least one value'),
  }),
  // Art. 9(1): a fixed amount per activity, no measure.
  z.strictObject({ kind: z.literal('fixed'), hours: HoursSchema }),
]);

export const ItemRuleSchema = z.strictObject({
  /** As cited in RULES.md: "8(1)" … "9(5)", "10". */
  article: z.string().regex(/^\d{1,2}(\(\d{1,2}\))?$/, 'an article like 8(3) or 10'),
  /** zh-CN name, used in explanations. */
  name: z.string().min(1),
  subject: SubjectRuleSchema,
  measure: MeasureRuleSchema,
  /** Yearly cap in 学时 per person-year, over both subjects together (8(6)); null = none. */
  cap: HoursSchema.nullable(),
});

export const RequirementSchema = z
  .strictObject({ public: WholeHoursOrZero, professional: WholeHoursOrZero, total: WholeHoursOrZero })
  .refine((r) => tryFromHours(r.total) === (tryFromHours(r.public) ?? NaN) + (tryFromHours(r.professional) ?? NaN), {
    message: 'total must equal public + professional (Art. 6)',
    path: ['total'],
  });

/** Art. 7: 45 minutes = 1 学时; 1 day = 8 学时; a part day (< 360 minutes) counts actual time. */
export const Art7Schema = z
  .strictObject({
    minutesPerHour: z.number().int().positive(),
    hoursPerDay: z.number().int().positive(),
    partDayBelowMinutes: z.number().int().positive(),
  })
  .refine((a) => a.partDayBelowMinutes === a.minutesPerHour * a.hoursPerDay, {
    message: 'a part day is less than one day: minutesPerHour × hoursPerDay',
    path: ['partDayBelowMinutes'],
  });

const meta = {
  id: RuleSetIdSchema,
  version: z.string().min(1).max(32),
  title: z.string().min(1),
  source: z.string().min(1).optional(),
  effectiveFrom: DateSchema,
};

export const BaseRuleSetSchema = z.strictObject({
  ...meta,
  requirement: RequirementSchema,
  art7: Art7Schema,
  items: z.record(CategorySchema, ItemRuleSchema),
});

/** Art. 15: a field's own rules, as differences from the rule set it `extends`. */
export const RuleSetOverrideSchema = z.strictObject({
  ...meta,
  extends: RuleSetIdSchema,
  requirement: z
    .strictObject({ public: WholeHoursOrZero, professional: WholeHoursOrZero, total: WholeHoursOrZero })
    .partial()
    .optional(),
  items: z.partialRecord(CategorySchema, ItemRuleSchema.partial()).optional(),
});

export type SubjectRule = z.infer<typeof SubjectRuleSchema>;
export type MeasureRule = z.infer<typeof MeasureRuleSchema>;
export type DurationForm = (typeof DURATION_FORMS)[number];
export type ItemRule = z.infer<typeof ItemRuleSchema>;
export type Requirement = z.infer<typeof RequirementSchema>;
export type Art7 = z.infer<typeof Art7Schema>;
export type BaseRuleSetDocument = z.infer<typeof BaseRuleSetSchema>;
export type RuleSetOverrideDocument = z.infer<typeof RuleSetOverrideSchema>;
export type RuleSetDocument = BaseRuleSetDocument | RuleSetOverrideDocument;
