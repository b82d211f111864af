/**
 * given(events).when(decide).then(events | refusal): the emmett-style spec for pure deciders.
 * Events get consecutive revisions and one time, as a stream would give them.
 */
import { defaultRegistry } from '@jx/rules';
import type { ActorClaims } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import type { UnitState } from '../unit/unit.events';
import type { CreditYearEvent } from '../credit-year/credit-year.events';
import { foldCreditYear, type CreditYearState } from '../credit-year/credit-year.state';
import type { CreditYearDecision, DecideContext } from '../credit-year/commands/decide-context';

export const rules = defaultRegistry();
export const UNIT: UnitState = { unitId: 'u1', name: 'Unit 1', region: '360102', industry: 'general' };
export const actors = {
  pro: { sub: 'user-p1', role: 'professional', personId: 'p1', unitId: 'u1' } as ActorClaims,
  unit: { sub: 'hr-u1', role: 'unit', unitId: 'u1' } as ActorClaims,
  otherUnit: { sub: 'hr-u2', role: 'unit', unitId: 'u2' } as ActorClaims,
  institution: { sub: 'inst-1', role: 'institution', institutionId: 'inst1' } as ActorClaims,
  hr: { sub: 'hr-prov', role: 'authority', region: '360000' } as ActorClaims,
  city: { sub: 'hr-nc', role: 'authority', region: '360100' } as ActorClaims,
  otherCity: { sub: 'hr-jj', role: 'authority', region: '360400' } as ActorClaims,
  health: { sub: 'health', role: 'authority', region: '360000', industry: 'health' } as ActorClaims,
};

export function ctx(actor: ActorClaims, now = '2024-06-01T02:00:00.000Z'): DecideContext {
  return { now, actor, rules, yearClosesOn: '03-31' };
}

/** An event recorded at a time of its own (the others are recorded at `fold`'s `at`). */
export interface TimedEvent {
  at: string;
  event: CreditYearEvent;
}
export const recordedAt = (at: string, event: CreditYearEvent): TimedEvent => ({ at, event });

export function fold(events: ReadonlyArray<CreditYearEvent | TimedEvent>, at = '2024-05-01T00:00:00.000Z'): CreditYearState | null {
  return foldCreditYear(events.map((e, revision) => ('event' in e ? { ...e.event, revision, at: e.at } : { ...e, revision, at })));
}

export const opened = (personId = 'p1', year = 2024): CreditYearEvent => ({
  type: 'PersonYearOpened',
  data: { personId, year, unitId: 'u1', field: 'general' },
});

export function given(events: ReadonlyArray<CreditYearEvent | TimedEvent>) {
  const state = fold(events);
  return {
    state,
    when(decide: (state: CreditYearState | null) => CreditYearDecision<unknown>) {
      const run = () => decide(state);
      return {
        then(expected: CreditYearEvent[]) {
          expect(run().events).toEqual(expected);
        },
        thenNothing() {
          expect(run().events).toEqual([]);
        },
        thenRefuses(code: string, kind?: DomainError['kind'], message?: RegExp) {
          let error: unknown;
          try {
            run();
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe(code);
          if (kind) expect((error as DomainError).kind).toBe(kind);
          if (message) expect((error as DomainError).message).toMatch(message);
        },
        result() {
          return run();
        },
      };
    },
  };
}

export function declared(activityId: string, overrides: Partial<Extract<CreditYearEvent, { type: 'ActivityDeclared' }>['data']> = {}): CreditYearEvent {
  return {
    type: 'ActivityDeclared',
    data: {
      activityId,
      category: '8.1',
      subject: 'public',
      title: 'Course',
      completedOn: '2024-05-06',
      measure: { hours: 10 },
      hours: 10,
      contentKey: null,
      evidence: [{ name: 'c.pdf', sha256: 'a'.repeat(64) }],
      makeUp: false,
      declarant: { id: 'user-p1', role: 'professional' },
      institutionId: null,
      requestDigest: `digest-${activityId}`,
      ...overrides,
    },
  };
}

export function registered(activityId: string, overrides: Partial<Extract<CreditYearEvent, { type: 'ActivityRegistered' }>['data']> = {}): CreditYearEvent {
  const base = declared(activityId, { declarant: { id: 'inst-1', role: 'institution' }, institutionId: 'inst1', evidence: [], ...overrides });
  return { type: 'ActivityRegistered', data: base.data as Extract<CreditYearEvent, { type: 'ActivityRegistered' }>['data'] };
}
