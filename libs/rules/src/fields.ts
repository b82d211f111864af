/**
 * The fields (行业/专业) a person-year follows (API.md, Units; RULES.md §4, Art. 15): each may get
 * its own rules for the professional part, so the rule set applied is chosen per (field, year).
 */
export const FIELDS = ['general', 'health', 'k12_education', 'accounting', 'journalism', 'publishing'] as const;
export type Field = (typeof FIELDS)[number];

export function isField(value: unknown): value is Field {
  return typeof value === 'string' && (FIELDS as readonly string[]).includes(value);
}
