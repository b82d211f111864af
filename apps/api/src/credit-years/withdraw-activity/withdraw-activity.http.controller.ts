import { Body, Controller, Delete, Inject, Param, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { WithdrawActivity, type CommandMetadata } from '@jx/application';
import { requireOwnPerson, requireRole } from '../../http/policies';
import { Meta } from '../../http/request-context';
import { noBody, parseWith, noQuery } from '../../http/validation';
import { activityPath } from '../person-year.path';
import { Endpoint } from '../../http/openapi';
import * as responses from '../../http/responses';

@Controller('api/persons/:personId/years/:year/activities/:activityId')
export class WithdrawActivityController {
  constructor(@Inject(CommandBus) private readonly bus: CommandBus) {}

  /** The professional takes back a declaration still waiting for the unit. */
  @Endpoint('WithdrawActivity: the professional, while the activity is declared', { response: responses.activityStatement, errors: { 400: 'VALIDATION_FAILED (the path, or a body other than none or {})', 403: 'FORBIDDEN', 404: 'PERSON_YEAR_NOT_FOUND, ACTIVITY_NOT_FOUND', 409: 'UNIT_MISMATCH, YEAR_VOIDED, ACTIVITY_NOT_DECLARED' } })
  @Delete()
  async withdraw(@Param() params: unknown, @Query() query: unknown, @Body() body: unknown, @Meta() meta: CommandMetadata) {
    requireRole(meta.actor, 'professional');
    requireOwnPerson(meta.actor, (params as { personId?: string }).personId ?? '');
    const path = parseWith(activityPath, params);
    parseWith(noQuery, query);
    parseWith(noBody, body, 'body');
    return this.bus.execute(new WithdrawActivity(path, meta));
  }
}
