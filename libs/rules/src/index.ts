/** @jx/rules — the rule sets of RULES.md as versioned data and the pure evaluator. */
export * from './types';
export { FIELDS, isField, type Field } from './fields';
export { formatHours, fromHours, roundHalfUp, toHours, tryFromHours } from './hundredths';
export type {
  Art7,
  BaseRuleSetDocument,
  DurationForm,
  ItemRule,
  MeasureRule,
  Requirement,
  RuleSetDocument,
  RuleSetOverrideDocument,
  SubjectRule,
} from './rule-set.schema';
export { parseRuleSetDocument, type RuleSet } from './rule-set';
export { Art7Schema, CategorySchema, ItemRuleSchema, RuleSetIdSchema } from './rule-set.schema';
export { RuleSetError, UnknownRuleSetError, type RuleSetIssue } from './rule-set-error';
export { jx2023Trial, JX_2023_TRIAL_ID } from './jx-2023-trial.rule-set';
export { stableJson } from './stable-json';
export { boundaryYears, DEFAULT_MAPPING, defaultRegistry, RuleSetRegistry, type RuleSetMappingEntry } from './registry';
export { MEASURE_BOUNDS } from './measure-fields';
export { validateMeasure, type MeasureRequest } from './measure';
export { evaluate, type EvaluateOptions } from './evaluate';
