import type { ActivityData, CreditYearEvent, Field } from '@jx/domain';
import type { StoredEvent } from '@jx/event-store';
import { defaultRegistry } from '@jx/rules';
import { projectCreditYear } from './credit-year.projection';
import { projectUnit } from './unit.projection';

const STREAM = 'creditYear-p1+2024';

/** Events as the store hands them back, positions interleaved with other streams (100, 110, …). */
function stored(events: CreditYearEvent[], streamId = STREAM, lastAt?: string): StoredEvent[] {
  return events.map((e, revision) => ({
    id: `id-${revision}`,
    streamId,
    revision,
    position: 100 + revision * 10,
    type: e.type,
    data: e.data as unknown as Record<string, unknown>,
    metadata: {
      actor: { id: 'u', role: 'unit' },
      correlationId: 'c',
      causationId: null,
      ruleSetId: 'jx-2023-trial',
      at: lastAt !== undefined && revision === events.length - 1 ? lastAt : `2024-06-01T00:${String(revision).padStart(2, '0')}:00.000Z`,
    },
    prevHash: '0'.repeat(64),
    hash: '1'.repeat(64),
  }));
}

function activity(activityId: string, subject: 'public' | 'professional', hours: number, institutionId: string | null = null): ActivityData {
  return {
    activityId, category: '8.1', subject, title: `T ${activityId}`, completedOn: '2024-05-06', measure: { hours }, hours,
    contentKey: null, evidence: [], makeUp: false, declarant: { id: 'x', role: institutionId ? 'institution' : 'professional' },
    institutionId, requestDigest: 'd',
  };
}

const opened: CreditYearEvent = { type: 'PersonYearOpened', data: { personId: 'p1', year: 2024, unitId: 'u1', field: 'general' } };
const enough: CreditYearEvent[] = [
  { type: 'ActivityRegistered', data: activity('pub', 'public', 30, 'inst-1') },
  { type: 'ActivityRegistered', data: activity('pro', 'professional', 60, 'inst-1') },
];
const project = (events: CreditYearEvent[]) => projectCreditYear(stored(events), defaultRegistry());

describe('projectCreditYear', () => {
  it('gives nothing for a stream without its opening event', () => {
    expect(project([{ type: 'FieldSet', data: { field: 'health' } }])).toBeNull();
  });

  it('derives an open, short year with its pending declaration at the declaring position', () => {
    const snapshot = project([opened, { type: 'ActivityDeclared', data: activity('a1', 'public', 10) }]);
    expect(snapshot).toEqual({
      personYear: {
        personId: 'p1', year: 2024, unitId: 'u1', field: 'general', status: 'open', compliant: false,
        finalized: false, promotionDelay: false, confirmedAt: null, delayDueAfter: '2025-12-31', revision: 1,
      },
      pending: [{ activityId: 'a1', category: '8.1', title: 'T a1', declaredAt: '2024-06-01T00:01:00.000Z', position: 110 }],
      registrations: [],
    });
  });

  it('Art. 13: a short year is due a promotion delay after its make-up period, unless a reason is recorded', () => {
    expect(project([opened])?.personYear.delayDueAfter).toBe('2025-12-31');
    expect(project([opened, ...enough])?.personYear.delayDueAfter).toBeNull();
    const excused: CreditYearEvent = { type: 'MakeUpGranted', data: { reason: 'illness', note: null, until: '2026-03-31' } };
    expect(project([opened, excused])?.personYear.delayDueAfter).toBeNull();
    const delayed: CreditYearEvent = { type: 'PromotionDelayRecorded', data: { periodEnded: '2025-12-31', shortfall: { public: 30, professional: 60 } } };
    expect(project([opened, delayed])?.personYear.delayDueAfter).toBeNull();
  });

  it('Art. 13: the delay is judged on the year as it stood when its period ended, as the decider judges it', () => {
    // The last event recorded on 2026-01-02, after the period's end (2025-12-31, China time).
    const projectLate = (events: CreditYearEvent[]) => projectCreditYear(stored(events, STREAM, '2026-01-02T02:00:00.000Z'), defaultRegistry());
    const pendingPro: CreditYearEvent = { type: 'ActivityDeclared', data: activity('pro', 'professional', 60) };
    const verified: CreditYearEvent = { type: 'ActivityVerifiedByUnit', data: { activityId: 'pro', hours: 60, reason: null, contentKey: null } };
    const wholeNow = projectLate([opened, enough[0]!, pendingPro, verified])!.personYear;
    expect(wholeNow).toMatchObject({ compliant: true, delayDueAfter: '2025-12-31' });
    const confirmed: CreditYearEvent = { type: 'YearConfirmedByUnit', data: { note: null } };
    const cut: CreditYearEvent = { type: 'YearFinalizedByAuthority', data: { decision: 'approve', adjustments: [{ activityId: 'pro', hours: 20, reason: 'r', contentKey: null }] } };
    expect(projectLate([opened, ...enough, confirmed, cut])!.personYear).toMatchObject({ compliant: false, delayDueAfter: null });
  });

  it('judges compliance on the verified tier under the configured rule set (Art. 6)', () => {
    expect(project([opened, ...enough])?.personYear.compliant).toBe(true);
    expect(project([opened, enough[0]!])?.personYear.compliant).toBe(false);
  });

  it('records confirmedAt on confirmation and clears it on reopening', () => {
    const confirmed: CreditYearEvent[] = [opened, ...enough, { type: 'YearConfirmedByUnit', data: { note: null } }];
    expect(project(confirmed)?.personYear).toMatchObject({ status: 'confirmed', confirmedAt: '2024-06-01T00:03:00.000Z' });
    const reopened = project([...confirmed, { type: 'YearReopened', data: { activityId: 'x', makeUp: false } }]);
    expect(reopened?.personYear).toMatchObject({ status: 'open', confirmedAt: null });
  });

  it('counts a finalised year as finalised, and a voided one as voided only (Art. 14)', () => {
    const finalized: CreditYearEvent[] = [
      opened, ...enough, { type: 'YearConfirmedByUnit', data: { note: null } },
      { type: 'YearFinalizedByAuthority', data: { decision: 'approve', adjustments: [] } },
    ];
    expect(project(finalized)?.personYear).toMatchObject({ status: 'finalized', finalized: true, compliant: true });
    const flag: CreditYearEvent = { type: 'FraudFlagged', data: { flagId: 'f', reason: 'r', evidence: [], institutionId: null, courses: null } };
    expect(project([...finalized, flag])?.personYear).toMatchObject({ status: 'voided', finalized: false, compliant: false });
  });

  it('keeps no pending declaration of a voided year', () => {
    const flag: CreditYearEvent = { type: 'FraudFlagged', data: { flagId: 'f', reason: 'r', evidence: [], institutionId: null, courses: null } };
    expect(project([opened, { type: 'ActivityDeclared', data: activity('a1', 'public', 10) }, flag])?.pending).toEqual([]);
  });

  it("indexes an institution's registrations under their effective content key, at their registering event's position", () => {
    const snapshot = project([
      opened, ...enough,
      { type: 'YearConfirmedByUnit', data: { note: null } },
      { type: 'YearFinalizedByAuthority', data: { decision: 'approve', adjustments: [{ activityId: 'pro', hours: 60, reason: 'same', contentKey: 'course-7' }] } },
    ]);
    expect(snapshot?.registrations).toEqual([
      { activityId: 'pub', institutionId: 'inst-1', contentKey: null, position: 110 },
      { activityId: 'pro', institutionId: 'inst-1', contentKey: 'course-7', position: 120 },
    ]);
  });

  it('records a promotion delay (Art. 13)', () => {
    const delay: CreditYearEvent = { type: 'PromotionDelayRecorded', data: { periodEnded: '2025-12-31', shortfall: { public: 30, professional: 60 } } };
    expect(project([opened, delay])?.personYear.promotionDelay).toBe(true);
  });

  it('refuses a field outside the configured list (a corrupt stream) instead of guessing its rule set', () => {
    expect(() => project([{ type: 'PersonYearOpened', data: { personId: 'p1', year: 2024, unitId: 'u1', field: 'astrology' as unknown as Field } }])).toThrow(/astrology/);
  });
});

describe('projectUnit', () => {
  it("takes a unit's row from its UnitPut, and ignores other events", () => {
    const data = { unitId: 'u1', name: 'N', region: '360102', industry: 'health' };
    const [put] = stored([opened], 'unit-u1').map((e) => ({ ...e, type: 'UnitPut', data }));
    expect(projectUnit(put!)).toEqual(data);
    expect(projectUnit(stored([opened])[0]!)).toBeNull();
  });
});

describe('a stream holding an event type this version does not know (a newer version wrote it)', () => {
  const unknown = { type: 'YearArchived', data: {} } as unknown as CreditYearEvent;

  it('the person-year is not projected without it: the projection stops, naming the type, the stream and the revision', () => {
    expect(() => projectCreditYear(stored([opened, ...enough, unknown]), defaultRegistry())).toThrow(
      `creditYear-p1+2024 holds an event of type "YearArchived" at revision ${enough.length + 1}`,
    );
  });

  it('nor the unit', () => {
    const [put] = stored([{ type: 'UnitPut', data: { unitId: 'u1', name: 'U', region: '360102', industry: 'general' } } as unknown as CreditYearEvent], 'unit-u1');
    expect(projectUnit(put!)).toEqual({ unitId: 'u1', name: 'U', region: '360102', industry: 'general' });
    const [renamed] = stored([{ type: 'UnitRenamed', data: { unitId: 'u1' } } as unknown as CreditYearEvent], 'unit-u1');
    expect(() => projectUnit(renamed!)).toThrow('unit-u1 holds an event of type "UnitRenamed" at revision 0');
  });
});
