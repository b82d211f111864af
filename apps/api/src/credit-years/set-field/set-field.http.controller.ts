import { Body, Controller, Inject, Param, Put, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { z } from 'zod';
import { SetField, type CommandMetadata } from '@jx/application';
import { FIELDS } from '@jx/domain';
import { requireRole } from '../../http/policies';
import { Meta } from '../../http/request-context';
import { parseWith, noQuery } from '../../http/validation';
import { personYearPath } from '../person-year.path';
import { Endpoint } from '../../http/openapi';
import * as responses from '../../http/responses';

const setFieldBody = z.strictObject({ field: z.enum(FIELDS) });

@Controller('api/persons/:personId/years/:year/field')
export class SetFieldController {
  constructor(@Inject(CommandBus) private readonly bus: CommandBus) {}

  /** Art. 15: which field's rules the year follows (an accountant in a factory follows accounting's). */
  @Endpoint('SetField (Art. 15): the unit, while the year is open; the field it has, asked again, records nothing', { response: responses.statement, body: setFieldBody, errors: { 403: 'FORBIDDEN, OUT_OF_SCOPE', 404: 'PERSON_YEAR_NOT_FOUND', 409: 'YEAR_VOIDED, YEAR_FINALIZED (finalised, or reopened by a make-up declaration after a finalisation: the year keeps the field it was reviewed under), YEAR_NOT_OPEN (confirmed, never finalised), TOO_MANY_CHANGES (a person-year takes at most 100 field changes)' } })
  @Put()
  async setField(@Param() params: unknown, @Query() query: unknown, @Body() body: unknown, @Meta() meta: CommandMetadata) {
    requireRole(meta.actor, 'unit');
    const path = parseWith(personYearPath, params);
    parseWith(noQuery, query);
    const dto = parseWith(setFieldBody, body);
    return this.bus.execute(new SetField({ ...path, field: dto.field }, meta));
  }
}
