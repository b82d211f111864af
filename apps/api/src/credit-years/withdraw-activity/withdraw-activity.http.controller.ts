import { Controller, Delete, Inject, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { WithdrawActivity, type CommandMetadata } from '@jx/application';
import { requireOwnPerson, requireRole } from '../../http/policies';
import { Meta } from '../../http/request-context';
import { parseWith } from '../../http/validation';
import { activityPath } from '../person-year.path';

@Controller('api/persons/:personId/years/:year/activities/:activityId')
export class WithdrawActivityController {
  constructor(@Inject(CommandBus) private readonly bus: CommandBus) {}

  /** The professional takes back a declaration still waiting for the unit. */
  @Delete()
  async withdraw(@Param() params: unknown, @Meta() meta: CommandMetadata) {
    requireRole(meta.actor, 'professional');
    requireOwnPerson(meta.actor, (params as { personId?: string }).personId ?? '');
    const path = parseWith(activityPath, params);
    return this.bus.execute(new WithdrawActivity(path, meta));
  }
}
