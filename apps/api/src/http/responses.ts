/**
 * What each endpoint answers on success (API.md), as zod schemas: the OpenAPI description at
 * /api/docs shows them, and the end-to-end suite parses real answers with them (strict objects:
 * a field added, renamed or dropped fails there), so the two cannot drift apart.
 */
import { z } from 'zod';
import { ROLES } from '@jx/domain';
import { Art7Schema, CategorySchema, FIELDS, ItemRuleSchema } from '@jx/rules';

const hours = z.number().describe('学时, at most 2 decimals');
const subjectTotals = z.strictObject({ public: hours, professional: hours, total: hours });
const instant = z.string().describe('ISO-8601 with milliseconds and a zone');
const date = z.string().describe('YYYY-MM-DD (China Standard Time)');

export const explanationStep = z.strictObject({
  code: z.string().describe('stable code, e.g. ART7_DAYS, ART8_CAP, ART11_SUPERSEDED, ART13_MAKE_UP, ART14_VOIDED'),
  article: z.string().describe('the article applied, as RULES.md cites it: "7", "8(3)", "11"'),
  values: z.record(z.string(), z.union([z.number(), z.string(), z.null()])).describe('the numbers the step used'),
  text: z.string().describe('one zh-CN sentence'),
});

export const activityStatement = z.strictObject({
  activityId: z.string(),
  category: z.enum(['8.1', '8.2', '8.3', '8.4', '8.5', '8.6', '8.7', '8.8', '9.1', '9.2', '9.3', '9.4', '9.5', '10']),
  subject: z.enum(['public', 'professional']),
  title: z.string(),
  completedOn: date,
  status: z.enum(['declared', 'verified', 'rejected', 'withdrawn']),
  hours: z.strictObject({ claimed: hours, verified: hours.nullable(), final: hours.nullable(), counted: hours }),
  notes: z.array(z.enum(['CAPPED', 'ART11_SUPERSEDED', 'VOIDED', 'NOT_COUNTED'])),
  explanation: z.array(explanationStep),
});

export const statement = z.strictObject({
  personId: z.string(),
  year: z.number().int(),
  unitId: z.string(),
  field: z.string(),
  ruleSet: z.string(),
  status: z.enum(['open', 'confirmed', 'finalized', 'voided']),
  revision: z.number().int().describe('of the last event this statement includes, as numbered in History'),
  requirement: subjectTotals,
  totals: z.strictObject({ declared: subjectTotals, verified: subjectTotals, final: subjectTotals.nullable().describe('null until the first finalisation') }),
  compliant: z.boolean(),
  shortfall: z.strictObject({ public: hours, professional: hours }),
  flags: z.array(z.strictObject({ flagId: z.string(), reason: z.string(), at: instant, institutionId: z.string().nullable(), rescinded: z.boolean() })),
  makeUp: z.strictObject({ until: date.nullable().describe("the make-up period's end while the year is short"), reason: z.string().nullable(), promotionDelay: z.boolean() }),
  activities: z.array(activityStatement),
});

export const declared = z.strictObject({
  activityId: z.string(),
  status: z.enum(['declared', 'verified']),
  hours: hours.describe('the claimed hours'),
  revision: z.number().int().describe('of the event just written (or, for a repeat, the first answer’s)'),
});

export const historyEntry = z.strictObject({
  revision: z.number().int(),
  type: z.string(),
  at: instant,
  actor: z
    .strictObject({ id: z.string().describe('the token’s sub'), role: z.enum([...ROLES, 'system']) })
    .describe('who wrote the event: a token’s sub and role, or role `system` (id `system:scheduler`) for what the product records itself: a promotion delay when a make-up period ends (Art. 13)'),
  data: z.record(z.string(), z.unknown()),
  hash: z.string().describe('lowercase SHA-256 hex of prevHash + RFC 8785 JSON of {revision, type, at, actor, data}'),
  prevHash: z.string().describe('the previous event’s hash; 64 zeros for the first'),
});
export const history = z.array(historyEntry);

const page = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() });
export const unitPending = page(
  z.strictObject({ personId: z.string(), year: z.number().int(), activityId: z.string(), category: z.string(), title: z.string(), declaredAt: instant }),
);
export const authorityPending = page(z.strictObject({ personId: z.string(), year: z.number().int(), unitId: z.string(), confirmedAt: instant }));

const count = z.number().int();
export const complianceReport = z.strictObject({
  year: z.number().int(),
  scope: z.union([z.strictObject({ region: z.string() }), z.strictObject({ unitId: z.string() })]),
  personYears: count,
  compliant: count,
  nonCompliant: count,
  voided: count,
  finalized: count,
  promotionDelays: count,
});

export const unit = z.strictObject({ unitId: z.string(), name: z.string(), region: z.string(), industry: z.string() });
export const flagged = z.strictObject({ flagId: z.string(), status: z.literal('voided') });
export const jobAccepted = z.strictObject({ jobId: z.string() });
export const job = z.strictObject({
  jobId: z.string(),
  state: z.enum(['waiting', 'active', 'completed', 'failed']),
  progress: z.strictObject({ done: count, total: count }),
});

const ruleSetSummary = z.strictObject({
  id: z.string(),
  version: z.string(),
  title: z.string(),
  source: z.string().nullable(),
  effectiveFrom: date,
  lineage: z.array(z.string()).describe('the rule set, then the one it extends, and so on'),
});
export const ruleSets = z.strictObject({
  ruleSets: z.array(ruleSetSummary),
  mapping: z.array(
    z.strictObject({ field: z.enum([...FIELDS, '*']).describe('a field, or * for every field without an entry of its own'), fromYear: z.number().int(), toYear: z.number().int().nullable(), ruleSet: z.string() }),
  ),
});
export const ruleSet = ruleSetSummary.extend({
  requirement: subjectTotals.describe('Art. 6: 学时 a year, each subject at least its own'),
  art7: Art7Schema,
  items: z.record(CategorySchema, ItemRuleSchema),
});

export const health = z.strictObject({
  status: z.enum(['ok', 'unavailable']),
  checks: z.record(z.string(), z.enum(['up', 'down'])).describe('eventStore, and redis and readModels where configured'),
  readModelsLag: z
    .strictObject({ caughtUp: z.boolean(), seconds: z.number().nonnegative() })
    .nullable()
    .describe('whether inboxes and reports hold every event, else the age in seconds of the oldest they lack (0 when caught up); null when a store does not answer. Reported, never deciding the status'),
});
