/**
 * The read models behind the inboxes, the compliance report and the institution index (API.md,
 * Inboxes / Compliance report / FlagFraud). They are projections of the event store, fed by a
 * checkpointed subscription: never a source of decisions (ARCHITECTURE.md, step 3), always
 * rebuildable from zero to the same result.
 */
import type { YearStatus } from '@jx/rules';

/* ---- rows the projector writes ---- */

/** One person-year as the lists and reports need it, derived from its whole stream prefix. */
export interface PersonYearRow {
  personId: string;
  year: number;
  /** Fixed when the year is opened (RULES.md §4). */
  unitId: string;
  field: string;
  status: YearStatus;
  /** Under the rule set configured for (field, year); false while voided. */
  compliant: boolean;
  /** Currently finalised: status `finalized` (a voided year is `voided`, not finalised). */
  finalized: boolean;
  promotionDelay: boolean;
  /**
   * While the year may still earn a promotion delay (short, not voided, no legitimate reason and
   * no delay recorded yet, Art. 13): the last day of its make-up period; else null.
   */
  delayDueAfter: string | null;
  /** When the unit last confirmed it; null while open. */
  confirmedAt: string | null;
  /** Last stream revision folded into this row. */
  revision: number;
}

/** A professional's declaration still waiting for the unit (activity status `declared`). */
export interface PendingActivityRow {
  activityId: string;
  category: string;
  title: string;
  declaredAt: string;
  /** Global position of the declaring event: a total, stable tiebreak after declaredAt. */
  position: number;
}

/** An activity an institution registered: who the institution-wide fraud flag may reach (Art. 14). */
export interface InstitutionRegistrationRow {
  activityId: string;
  institutionId: string;
  /** The effective content key (authority's, else unit's, else declarer's), as the decider matches it. */
  contentKey: string | null;
  /**
   * Global position of the registering event, to bound an institution flag to the registrations
   * held when it was posted; null in a row indexed before positions were kept (read models of
   * schema v6), until its person-year is written again or the read models are rebuilt.
   */
  position: number | null;
}

/** Everything derived from one person-year's stream; replaces the previous snapshot wholesale. */
export interface PersonYearSnapshot {
  personYear: PersonYearRow;
  pending: PendingActivityRow[];
  registrations: InstitutionRegistrationRow[];
}

export interface UnitRow {
  unitId: string;
  name: string;
  region: string;
  industry: string;
}

export type ReadModelChange =
  | {
      kind: 'personYear';
      snapshot: PersonYearSnapshot;
      /**
       * The snapshot this projector derived for an earlier prefix of the same stream, if it has one.
       * Rows are a pure function of the stream prefix named by their `revision`, so where the stored
       * revision is the previous snapshot's, the stored rows are that snapshot's: an adapter may diff
       * against it instead of reading the rows back.
       */
      previous?: PersonYearSnapshot;
    }
  | { kind: 'unit'; unit: UnitRow };

/** The writes of one page of events and the checkpoint after it: applied all together or not at all. */
export interface ReadModelBatch {
  checkpoint: string;
  /** Global position of the page's last event. */
  position: number;
  changes: readonly ReadModelChange[];
  /** The rebuild's token, for the batches of a rebuild: they write to its copy (see beginRebuild). */
  rebuildToken?: string;
  /**
   * The page's last event (the one at `position`), kept with the checkpoint: on start, the runner
   * finds it in the event store again, or refuses read models projected from other events
   * (ReadModelsDivergedError). Absent, the checkpoint keeps no event (and none is checked).
   */
  lastEvent?: CheckpointEvent;
  /**
   * The rule sets the page was projected under (rulesFingerprint). A checkpoint keeps the first
   * it was given in its copy — the rules the copy was derived under from zero — whatever later
   * pages say: a process started with other rules then finds the difference (checkpointRuleSets).
   */
  ruleSets?: string;
}

/** The event a checkpoint was moved to: enough to find it again in any event store, and to tell it from another. */
export interface CheckpointEvent {
  eventId: string;
  streamId: string;
  revision: number;
}

/* ---- queries ---- */

export interface PageRequest {
  /** The caller validates bounds (API.md: 1–1000). */
  limit: number;
  /** Opaque, from a previous page's `nextCursor`; absent or null for the first page. */
  cursor?: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface UnitPendingItem {
  personId: string;
  year: number;
  activityId: string;
  category: string;
  title: string;
  declaredAt: string;
}

export interface AuthorityPendingItem {
  personId: string;
  year: number;
  unitId: string;
  confirmedAt: string;
}

/** An authority's or regulator's scope; `industry` restricts to person-years of that field. */
export interface RegionScope {
  region: string;
  industry?: string;
}

export interface UnitScope {
  /** An industry authority's field: only person-years of that field count. */
  industry?: string;
  unitId: string;
}

export type ReportScope = RegionScope | UnitScope;

export interface ComplianceCounts {
  personYears: number;
  compliant: number;
  nonCompliant: number;
  voided: number;
  finalized: number;
  promotionDelays: number;
}

export interface PersonYearRef {
  personId: string;
  year: number;
}

/** A promotion-delay candidate, with the end of the make-up period it is due after (the page's key). */
export interface PromotionDelayCandidate extends PersonYearRef {
  delayDueAfter: string;
}

export interface ReadModelStore {
  /**
   * Applies a page's changes and moves its checkpoint in one transaction, in the copy in use (or,
   * with a rebuild's token, in the copy that rebuild builds). A batch at or before that copy's
   * checkpoint is skipped (returns false): a slower runner must never write older rows. A batch
   * reaching past it is applied whole, which is safe even where it overlaps what the copy holds:
   * each change is the state of a person-year (or unit) as of the batch's end, never older.
   */
  apply(batch: ReadModelBatch): Promise<boolean>;
  /** Last global position applied under `name`; 0 before the first batch. */
  checkpoint(name: string): Promise<number>;
  /**
   * The event the last batch applied under `name` ended with (ReadModelBatch.lastEvent), with its
   * position; null before the first batch, or when that batch carried none (written by code
   * before schema v8, or without one).
   */
  checkpointEvent(name: string): Promise<(CheckpointEvent & { position: number }) | null>;
  /** The rule sets the copy in use was derived under from its first page (ReadModelBatch.ruleSets); null when none was given. */
  checkpointRuleSets(name: string): Promise<string | null>;
  /**
   * Starts a rebuild from zero into a second copy of the read models: marks a rebuild under
   * `token` and empties that copy (rows and checkpoints) — in one transaction on SQLite; on
   * PostgreSQL the mark first, then batched deletes, the mark taken back if they fail. The copy in
   * use is left as it is: readers and live projections go on with it, so no list is ever partial.
   * Batches carrying the token write to the new copy. Begun again under another token (after a
   * rebuild crashed), it takes over and starts the copy afresh.
   */
  beginRebuild(token: string): Promise<void>;
  /**
   * Puts the rebuilt copy in use, in one transaction, once it has caught up with the copy in use
   * (each of its checkpoints at or after theirs). SQLite empties the copy it puts out of use in
   * that transaction (readers in flight keep their snapshot); PostgreSQL right after, by batched
   * DELETEs (MVCC-safe for a pg_dump under way, unlike TRUNCATE), giving up at the first lock it
   * cannot have in time and leaving the rest to the next begin.
   * Throws ReadModelsBehindError when the live projections are ahead (project further, then end
   * again), ReadModelsRebuildingError when another rebuild took over.
   */
  endRebuild(token: string): Promise<void>;
  /** Whether a rebuild is under way (since when), and how many rebuilds ever began. */
  rebuildState(): Promise<RebuildState>;
  /** Declarations awaiting the unit's verification, oldest first (declaredAt, then position). */
  unitPending(unitId: string, page: PageRequest): Promise<Page<UnitPendingItem>>;
  /** Confirmed person-years awaiting finalisation in scope (the unit's current region), oldest first. */
  authorityPending(scope: RegionScope, page: PageRequest): Promise<Page<AuthorityPendingItem>>;
  complianceReport(year: number, scope: ReportScope): Promise<ComplianceCounts>;
  /**
   * Person-years of `year` holding a registration by the institution (of one of `courses`, if
   * given), registered at or before global position `upTo` when given (a row without a position
   * counts: the decider judges it from the stream).
   */
  institutionHolders(institutionId: string, year: number, courses: readonly string[] | null, upTo?: number | null): Promise<PersonYearRef[]>;
  /**
   * Person-years whose make-up period ended before `today` (YYYY-MM-DD, China) while they may still
   * earn a promotion delay: the sweep's candidates, decided again from each stream. In pages:
   * those after `after` (a candidate of the page before), so that candidates the decider finds
   * owe nothing never hide the ones behind them.
   */
  promotionDelayCandidates(today: string, limit: number, after?: PromotionDelayCandidate | null): Promise<PromotionDelayCandidate[]>;
  /** For health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface RebuildState {
  generation: number;
  /** When the rebuild begun last began, while it has not ended (also when it crashed); else null. */
  rebuildingSince: string | null;
}

export const READ_MODEL_STORE = Symbol('READ_MODEL_STORE');

/** A cursor that no page of this query handed out (API: 400). */
export class InvalidCursorError extends Error {
  readonly code = 'INVALID_CURSOR';
  constructor() {
    super('cursor is not one this list handed out');
    this.name = 'InvalidCursorError';
  }
}

/** A batch or end of a rebuild that another rebuild took over (or that ended): it stops. */
export class ReadModelsRebuildingError extends Error {
  readonly code = 'READ_MODELS_REBUILDING';
  constructor(readonly ownToken: string) {
    super('this rebuild was taken over by another (or ended): it stops');
    this.name = 'ReadModelsRebuildingError';
  }
}

/** The live projections are ahead of the rebuilt copy: it must project up to `position` first. */
export class ReadModelsBehindError extends Error {
  readonly code = 'READ_MODELS_BEHIND';
  constructor(
    readonly checkpoint: string,
    readonly position: number,
  ) {
    super(`the rebuilt read models are behind the ones in use (${checkpoint} at ${position}): project further, then end again`);
    this.name = 'ReadModelsBehindError';
  }
}

/**
 * The read models include events the event store does not hold: it lost them (restored from an
 * older backup; a power cut took the embedded store's last commits, which survive a killed
 * process but not a lost machine) or the two belong to different deployments. Following on would
 * skip the positions the store hands out again: nothing new would ever be projected.
 */
export class ReadModelsAheadError extends Error {
  readonly code = 'READ_MODELS_AHEAD';
  constructor(
    readonly checkpoint: string,
    readonly position: number,
    readonly head: number,
  ) {
    super(
      `the read models are ahead of the event store: ${checkpoint} has projected up to position ${position}, the store's last event is at ${head} ` +
        '(was the event store restored from an older backup, did a power cut take its last commits, or do these read models belong to another store?). ' +
        'If the event store is the right one, remove the read models and start again: they are projected anew from its events',
    );
    this.name = 'ReadModelsAheadError';
  }
}

/**
 * The read models were projected from other events than the event store holds: the event their
 * checkpoint ended with is not in the store (an older backup restored, and written to since; or
 * another deployment's store). Following on would keep rows of events the store does not hold and
 * skip those it numbered again.
 */
export class ReadModelsDivergedError extends Error {
  readonly code = 'READ_MODELS_DIVERGED';
  constructor(
    readonly checkpoint: string,
    readonly expected: CheckpointEvent & { position: number },
    /** What the store holds at that stream revision (null: nothing). */
    readonly found: { eventId: string; position: number } | null,
  ) {
    const held = found === null ? 'holds no such event' : `holds event ${found.eventId} (at position ${found.position}) there`;
    super(
      `the read models were projected from other events than the event store holds: ${checkpoint} has projected up to position ${expected.position}, ` +
        `ending with event ${expected.eventId} (${expected.streamId}, revision ${expected.revision}), but the store ${held} ` +
        '(was the event store restored from an older backup and written to since, or do these read models belong to another store?). ' +
        'If the event store is the right one, remove the read models and start again: they are projected anew from its events',
    );
    this.name = 'ReadModelsDivergedError';
  }
}

/**
 * The read models were migrated, by newer code, past the schema this process was opened on: it
 * must not read or write them (what it keeps beside the rows would go stale) until restarted with
 * that code. Every transaction checks the version stored with the copies' state.
 */
export class ReadModelsMigratedError extends Error {
  readonly code = 'READ_MODELS_MIGRATED';
  constructor(
    readonly stored: number,
    readonly own: number,
  ) {
    super(`the read models' schema is at version ${stored}, this process opened them at version ${own}: restart it with the code that migrated them`);
    this.name = 'ReadModelsMigratedError';
  }
}

/** Refuses a transaction on read models whose schema is not the one this process opened. */
export function refuseUnlessSchemaIs(stored: number, own: number): void {
  if (stored !== own) throw new ReadModelsMigratedError(stored, own);
}

/** A checkpoint row's event, as both adapters store it (all three columns, or none). */
export function checkpointEventOf(
  row: { position: number | string; event_id: string | null; stream_id: string | null; stream_revision: number | null } | undefined,
): (CheckpointEvent & { position: number }) | null {
  if (row === undefined || row.event_id === null || row.stream_id === null || row.stream_revision === null) return null;
  return { position: Number(row.position), eventId: row.event_id, streamId: row.stream_id, revision: row.stream_revision };
}

/** Whether a rebuild's batch (or end) under `token` may write, given the stored token. */
export function refuseUnlessRebuildAllows(marker: string | null, token: string): void {
  if (marker !== token) throw new ReadModelsRebuildingError(token);
}

/** The two copies of the read models: one in use, the other built by a rebuild. */
export type ReadModelCopy = 'a' | 'b';
export const otherCopy = (copy: ReadModelCopy): ReadModelCopy => (copy === 'a' ? 'b' : 'a');
