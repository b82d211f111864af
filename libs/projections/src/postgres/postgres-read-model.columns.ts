/**
 * A batch's changes as the column arrays the unnest statements take (postgres-read-model.statements.ts),
 * and the text mapping every value bound to PostgreSQL goes through.
 */
import type { PersonYearSnapshot, ReadModelChange, UnitRow } from '../read-model.port';

/**
 * PostgreSQL text cannot hold U+0000 (the server refuses the whole statement), yet free text such
 * as a title may carry it. Refusing would stop the projection at that page for good, so every
 * string bound to the server, written or queried, has it replaced by U+FFFD: lookups still meet
 * what was written, and only such a character reads back differently from SQLite.
 */
export function pgText(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

export function pgTextOrNull(value: string | null): string | null {
  return value === null ? null : pgText(value);
}

/** Parameters of each write statement; null where the batch has nothing for it. */
export interface BatchColumns {
  units: unknown[] | null;
  personYears: unknown[] | null;
  /** (person_id[], year[]) of every person-year replaced: its pending and registrations go first. */
  keys: unknown[] | null;
  pending: unknown[] | null;
  registrations: unknown[] | null;
}

/**
 * Applying the changes one by one, as SQLite does, leaves the last change of each key in place.
 * One INSERT ... ON CONFLICT cannot touch a row twice, so only that last change is kept. Rows go
 * in key order so that writers whose batches overlap take row locks in the same order.
 */
export function batchColumns(changes: readonly ReadModelChange[]): BatchColumns {
  const units = new Map<string, UnitRow>();
  const years = new Map<string, PersonYearSnapshot>();
  for (const change of changes) {
    if (change.kind === 'unit') units.set(change.unit.unitId, change.unit);
    else years.set(JSON.stringify([change.snapshot.personYear.personId, change.snapshot.personYear.year]), change.snapshot);
  }
  const unitRows = [...units.values()].sort((a, b) => compare(a.unitId, b.unitId));
  const snapshots = [...years.values()].sort(
    (a, b) => compare(a.personYear.personId, b.personYear.personId) || a.personYear.year - b.personYear.year,
  );
  const people = snapshots.map((s) => s.personYear);
  const pending = snapshots.flatMap(({ personYear: p, pending: rows }) => rows.map((a) => ({ p, a })));
  const registrations = snapshots.flatMap(({ personYear: p, registrations: rows }) => rows.map((r) => ({ p, r })));
  return {
    units: columns(unitRows, [(u) => pgText(u.unitId), (u) => pgText(u.name), (u) => pgText(u.region), (u) => pgText(u.industry)]),
    personYears: columns(people, [
      (p) => pgText(p.personId), (p) => p.year, (p) => pgText(p.unitId), (p) => pgText(p.field), (p) => pgText(p.status),
      (p) => p.compliant, (p) => p.finalized, (p) => p.promotionDelay,
      (p) => pgTextOrNull(p.confirmedAt), (p) => pgTextOrNull(p.delayDueAfter), (p) => p.revision,
    ]),
    keys: columns(people, [(p) => pgText(p.personId), (p) => p.year]),
    pending: columns(pending, [
      ({ p }) => pgText(p.personId), ({ p }) => p.year, ({ a }) => pgText(a.activityId), ({ p }) => pgText(p.unitId),
      ({ a }) => pgText(a.category), ({ a }) => pgText(a.title), ({ a }) => pgText(a.declaredAt), ({ a }) => a.position,
    ]),
    registrations: columns(registrations, [
      ({ p }) => pgText(p.personId), ({ p }) => p.year, ({ r }) => pgText(r.activityId),
      ({ r }) => pgText(r.institutionId), ({ r }) => pgTextOrNull(r.contentKey), ({ r }) => r.position,
    ]),
  };
}

/** One array per column, or null for no rows (the statement is then not sent at all). */
function columns<T>(rows: readonly T[], pick: ReadonlyArray<(row: T) => unknown>): unknown[] | null {
  return rows.length === 0 ? null : pick.map((of) => rows.map(of));
}

/** Code-unit order; any total order serves, as long as every writer uses the same one. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
