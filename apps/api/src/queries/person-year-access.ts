/** Readers of a person-year (API.md, Queries): 404 first, then the scope its stored unit decides. */
import { Inject, Injectable } from '@nestjs/common';
import { CreditYearCommands, Statements } from '@jx/application';
import { checkStoredScope, scopeNeedsUnit, type ActorClaims, type CreditYearState } from '@jx/domain';
import { requireOwnPerson, requireRole } from '../http/policies';

@Injectable()
export class PersonYearAccess {
  constructor(@Inject(Statements) private readonly statements: Statements, @Inject(CreditYearCommands) private readonly years: CreditYearCommands) {}

  /** Token-and-path checks (403 before any 400). */
  precheck(actor: ActorClaims, personId: string): void {
    requireRole(actor, 'professional', 'unit', 'authority', 'regulator');
    requireOwnPerson(actor, personId);
  }

  /**
   * The year as it is now, once the actor may read it. Its unit is read only where it decides the
   * scope (an authority's or a regulator's): a read of the unit's stream less for every other
   * reader, a round trip less on PostgreSQL.
   */
  async current(actor: ActorClaims, personId: string, year: number, known?: CreditYearState): Promise<CreditYearState> {
    const state = known ?? (await this.statements.latest(personId, year)).state;
    checkStoredScope(actor, state, scopeNeedsUnit(actor) ? await this.years.readUnit(state.unitId) : null);
    return state;
  }
}
