/** What every decision is given besides the stream: the injected clock, the actor and the rules. */
import type { RuleSetRegistry } from '@jx/rules';
import type { ActorClaims } from '../../shared/actor';
import type { UnitState } from '../../unit/unit.events';
import type { CreditYearEvent } from '../credit-year.events';

export interface DecideContext {
  /** ISO instant from the injected clock. */
  now: string;
  actor: ActorClaims;
  rules: RuleSetRegistry;
  /** `YEAR_CLOSES_ON`: month-day of the following year on which a year closes. */
  yearClosesOn: string;
}

/** The unit a command acts under, read from its own stream (never from a read model). */
export type UnitView = UnitState | null;

export interface CreditYearDecision<R = undefined> {
  events: CreditYearEvent[];
  /** The rule set the decision was taken under (recorded on every event, Art. 15). */
  ruleSetId: string;
  result?: R;
}
