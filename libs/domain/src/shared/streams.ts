/**
 * Stream names follow message-db's `category-cardinalId+more` convention (ARCHITECTURE.md).
 * Build them here only; never inline a stream name elsewhere.
 */
export const CREDIT_YEAR_CATEGORY = 'creditYear';
export const UNIT_CATEGORY = 'unit';

/** One stream per person-year: Art. 11 makes the year the consistency boundary. */
export function creditYearStream(personId: string, year: number): string {
  return `${CREDIT_YEAR_CATEGORY}-${personId}+${year}`;
}

export function unitStream(unitId: string): string {
  return `${UNIT_CATEGORY}-${unitId}`;
}

/** Inverse of creditYearStream, for projections; null for any other stream. */
export function parseCreditYearStream(streamId: string): { personId: string; year: number } | null {
  const m = /^creditYear-([A-Za-z0-9_-]{1,64})\+(\d{4})$/.exec(streamId);
  return m ? { personId: m[1]!, year: Number(m[2]) } : null;
}

export function parseUnitStream(streamId: string): string | null {
  const m = /^unit-([A-Za-z0-9_-]{1,64})$/.exec(streamId);
  return m ? m[1]! : null;
}
