/**
 * Every query of the port over a grid of arguments, lists walked page by page: what two adapters
 * holding the same rows must answer alike. Test support; not part of the runtime barrel.
 */
import type { Page, ReadModelStore, RegionScope } from '../read-model.port';

const REGIONS = ['360000', '360100', '360102', '360101', '360400', '360402', '360403', '350000'];
const INDUSTRIES = [undefined, 'general', 'health', 'accounting'];
const YEARS = [2023, 2024, 2025];
const COURSES = [null, [], ['course-0'], ['course-1', 'course-2'], ['course-404']];
const DAYS = ['2024-12-31', '2025-01-01', '2025-12-31', '2026-01-01', '2027-01-01'];

const regionScopes = (): RegionScope[] =>
  REGIONS.flatMap((region) => INDUSTRIES.map((industry) => (industry === undefined ? { region } : { region, industry })));

/** Each page's items, and whether it said there is more: a cursor's encoding may differ, its meaning may not. */
async function walk<T>(read: (cursor: string | null) => Promise<Page<T>>): Promise<Array<{ items: T[]; more: boolean }>> {
  const pages: Array<{ items: T[]; more: boolean }> = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await read(cursor);
    pages.push({ items: page.items, more: page.nextCursor !== null });
    cursor = page.nextCursor;
  } while (cursor !== null && pages.length < 1000);
  return pages;
}

export async function readModelAnswers(store: ReadModelStore, unitIds: readonly string[], institutionIds: readonly string[]): Promise<Record<string, unknown>> {
  const answers: Record<string, unknown> = {};
  for (const unitId of [...unitIds, 'u-unknown']) {
    for (const limit of [1, 2, 100]) answers[`unitPending ${unitId} ${limit}`] = await walk((cursor) => store.unitPending(unitId, { limit, cursor }));
    for (const year of YEARS) {
      for (const industry of INDUSTRIES) {
        answers[`report ${year} unit ${unitId} ${industry}`] = await store.complianceReport(year, industry === undefined ? { unitId } : { unitId, industry });
      }
    }
  }
  for (const scope of regionScopes()) {
    for (const limit of [1, 3, 100]) answers[`authorityPending ${JSON.stringify(scope)} ${limit}`] = await walk((cursor) => store.authorityPending(scope, { limit, cursor }));
    for (const year of YEARS) answers[`report ${year} ${JSON.stringify(scope)}`] = await store.complianceReport(year, scope);
  }
  for (const institutionId of [...institutionIds, 'inst-unknown']) {
    for (const year of YEARS) {
      for (const courses of COURSES) answers[`holders ${institutionId} ${year} ${JSON.stringify(courses)}`] = await store.institutionHolders(institutionId, year, courses);
    }
  }
  for (const today of DAYS) {
    for (const limit of [1, 2, 500]) answers[`delays ${today} ${limit}`] = await store.promotionDelayCandidates(today, limit);
  }
  return answers;
}
