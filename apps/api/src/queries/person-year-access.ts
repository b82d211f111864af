/** Readers of a person-year (API.md, Queries): 404 first, then the scope its stored unit decides. */
import { Inject, Injectable } from '@nestjs/common';
import { CreditYearCommands, Statements } from '@jx/application';
import { checkStoredScope, type ActorClaims, type CreditYearState } from '@jx/domain';
import { requireOwnPerson, requireRole } from '../http/policies';

@Injectable()
export class PersonYearAccess {
  constructor(@Inject(Statements) private readonly statements: Statements, @Inject(CreditYearCommands) private readonly years: CreditYearCommands) {}

  /** Token-and-path checks (403 before any 400). */
  precheck(actor: ActorClaims, personId: string): void {
    requireRole(actor, 'professional', 'unit', 'authority', 'regulator');
    requireOwnPerson(actor, personId);
  }

  /** The year as it is now, once the actor may read it. */
  async current(actor: ActorClaims, personId: string, year: number, known?: CreditYearState): Promise<CreditYearState> {
    const state = known ?? (await this.statements.latest(personId, year)).state;
    checkStoredScope(actor, state, await this.years.readUnit(state.unitId));
    return state;
  }
}
