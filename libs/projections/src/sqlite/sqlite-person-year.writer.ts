/**
 * Writes one person-year's snapshot into one copy of the SQLite read models: its row with the
 * compliance counts it adds to, its pending activities (the unit inbox) and its institution
 * registrations (the institution index).
 */
import { countsChanges, countsKeyOf } from '../compliance-counts';
import type { InstitutionRegistrationRow, PendingActivityRow, PersonYearRow, PersonYearSnapshot } from '../read-model.port';
import type { CopyStatements, StoredPersonYearRow } from './sqlite-read-model.statements';

type PersonYearKey = { personId: string; year: number };

/**
 * What the copy holds for the person-year. `row` is null when it holds none;
 * `pendingUnit` is the unit of every pending row (null when they name different units).
 */
interface StoredRows {
  row: PersonYearRow | null;
  pendingUnit: string | null;
  pending: ReadonlyMap<string, PendingActivityRow>;
  registrations: ReadonlyMap<string, InstitutionRegistrationRow>;
}

/**
 * Replaces everything derived from the person-year in the copy: the rows depend on its stream
 * prefix alone. Rows are diffed against what is stored, so a person-year with many pending
 * activities costs the changed rows per event, not a rewrite of them all. The stored rows are read
 * back only when the copy holds another prefix than `previous` (the snapshot this projector derived
 * before): at that snapshot's revision, the stored rows are exactly that snapshot's.
 */
export function writePersonYear(stmt: CopyStatements, snapshot: PersonYearSnapshot, previous?: PersonYearSnapshot): void {
  const p = snapshot.personYear;
  const key: PersonYearKey = { personId: p.personId, year: p.year };
  const storedRevision = stmt.personYearRevision.get(key);
  const stored = previous !== undefined && previous.personYear.revision === storedRevision ? rowsOf(previous) : readBack(stmt, key);
  if (stored.row !== null && sameButRevision(stored.row, p)) stmt.setPersonYearRevision.run({ ...key, revision: p.revision });
  else {
    stmt.upsertPersonYear.run({
      ...key, unitId: p.unitId, field: p.field, status: p.status,
      compliant: Number(p.compliant), finalized: Number(p.finalized), promotionDelay: Number(p.promotionDelay),
      confirmedAt: p.confirmedAt, delayDueAfter: p.delayDueAfter, revision: p.revision,
    });
    const changes = countsChanges(stored.row, p);
    for (const change of changes) if (stmt.changeCounts.run(change).changes === 0) stmt.insertCounts.run(change);
    // Moved to another key (its field changed): the key it left may count nobody now.
    if (stored.row !== null && changes.length === 2) stmt.dropEmptyCounts.run(countsKeyOf(stored.row));
  }
  const sameUnit = stored.pendingUnit === p.unitId;
  replaceRows(stored.pending, snapshot.pending, (a, b) => sameUnit && samePending(a, b), {
    remove: (activityId) => stmt.deletePendingOne.run({ ...key, activityId }),
    insert: (a) => stmt.insertPending.run({ ...key, unitId: p.unitId, ...a }),
  });
  replaceRows(stored.registrations, snapshot.registrations, (a, b) => a.institutionId === b.institutionId && a.contentKey === b.contentKey && a.position === b.position, {
    remove: (activityId) => stmt.deleteRegistrationOne.run({ ...key, activityId }),
    insert: (r) => stmt.insertRegistration.run({ ...key, ...r }),
  });
}

function rowsOf(snapshot: PersonYearSnapshot): StoredRows {
  return {
    row: snapshot.personYear,
    pendingUnit: snapshot.personYear.unitId,
    pending: byActivity(snapshot.pending),
    registrations: byActivity(snapshot.registrations),
  };
}

function readBack(stmt: CopyStatements, key: PersonYearKey): StoredRows {
  const rows = stmt.pendingOf.all(key);
  const units = new Set(rows.map((r) => r.unit_id));
  const pending = rows.map((r): PendingActivityRow => ({ activityId: r.activity_id, category: r.category, title: r.title, declaredAt: r.declared_at, position: r.position }));
  const registrations = stmt.registrations.all(key).map((r): InstitutionRegistrationRow => ({
    activityId: r.activity_id, institutionId: r.institution_id, contentKey: r.content_key, position: r.position,
  }));
  const row = stmt.personYear.get(key);
  return {
    row: row === undefined ? null : personYearRow(key, row),
    pendingUnit: units.size === 1 ? [...units][0]! : null,
    pending: byActivity(pending),
    registrations: byActivity(registrations),
  };
}

function personYearRow(key: PersonYearKey, r: StoredPersonYearRow): PersonYearRow {
  return {
    ...key, unitId: r.unit_id, field: r.field, status: r.status,
    compliant: r.compliant === 1, finalized: r.finalized === 1, promotionDelay: r.promotion_delay === 1,
    delayDueAfter: r.delay_due_after, confirmedAt: r.confirmed_at, revision: r.revision,
  };
}

function byActivity<R extends { activityId: string }>(rows: readonly R[]): Map<string, R> {
  const map = new Map<string, R>();
  for (const r of rows) map.set(r.activityId, r);
  return map;
}

function sameButRevision(a: PersonYearRow, b: PersonYearRow): boolean {
  return a.unitId === b.unitId && a.field === b.field && a.status === b.status && a.compliant === b.compliant && a.finalized === b.finalized
    && a.promotionDelay === b.promotionDelay && a.delayDueAfter === b.delayDueAfter && a.confirmedAt === b.confirmedAt;
}

function samePending(a: PendingActivityRow, b: PendingActivityRow): boolean {
  return a.category === b.category && a.title === b.title && a.declaredAt === b.declaredAt && a.position === b.position;
}

/** Deletes the stored rows not wanted any more, and (re)writes the wanted rows not stored as they are. */
function replaceRows<R extends { activityId: string }>(
  stored: ReadonlyMap<string, R>,
  wanted: readonly R[],
  same: (a: R, b: R) => boolean,
  write: { remove(activityId: string): void; insert(row: R): void },
): void {
  if (stored.size > 0) {
    const wantedIds = new Set<string>();
    for (const r of wanted) wantedIds.add(r.activityId);
    for (const activityId of stored.keys()) if (!wantedIds.has(activityId)) write.remove(activityId);
  }
  for (const row of wanted) {
    const s = stored.get(row.activityId);
    if (s !== undefined && same(s, row)) continue;
    if (s !== undefined) write.remove(row.activityId);
    write.insert(row);
  }
}
