import { Body, Controller, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { z } from 'zod';
import { UnitConfirm, type CommandMetadata } from '@jx/application';
import { requireRole } from '../../http/policies';
import { Meta } from '../../http/request-context';
import { parseWith, text, noQuery } from '../../http/validation';
import { personYearPath } from '../person-year.path';
import { Endpoint } from '../../http/openapi';
import * as responses from '../../http/responses';

const unitConfirmBody = z.strictObject({ note: text(500).optional() });

@Controller('api/persons/:personId/years/:year/unit-confirmation')
export class UnitConfirmController {
  constructor(@Inject(CommandBus) private readonly bus: CommandBus) {}

  /** Art. 12 ¶1: the unit confirms the person's total for the year. */
  @Endpoint('UnitConfirm (Art. 12 ¶1): the unit confirms the year once nothing awaits verification', { response: responses.statement, body: unitConfirmBody, errors: { 403: 'FORBIDDEN, OUT_OF_SCOPE', 404: 'PERSON_YEAR_NOT_FOUND', 409: 'YEAR_VOIDED, YEAR_FINALIZED, PENDING_VERIFICATION' } })
  @Post()
  @HttpCode(200)
  async confirm(@Param() params: unknown, @Query() query: unknown, @Body() body: unknown, @Meta() meta: CommandMetadata) {
    requireRole(meta.actor, 'unit');
    const path = parseWith(personYearPath, params);
    parseWith(noQuery, query);
    const dto = parseWith(unitConfirmBody, body === undefined ? {} : body);
    return this.bus.execute(new UnitConfirm({ ...path, note: dto.note ?? null }, meta));
  }
}
