import { Body, Controller, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { z } from 'zod';
import { MakeUpReason, type CommandMetadata } from '@jx/application';
import { requireRole } from '../../http/policies';
import { Meta } from '../../http/request-context';
import { date, parseRequiringReasons, parseWith, text, validationError, noQuery } from '../../http/validation';
import { personYearPath } from '../person-year.path';
import { Endpoint } from '../../http/openapi';
import * as responses from '../../http/responses';

const makeUpBody = z.strictObject({
  reason: z.enum(['injury', 'illness', 'pregnancy', 'other']),
  note: text(500).optional(),
  until: date.optional(),
});

@Controller('api/persons/:personId/years/:year/make-up')
export class MakeUpController {
  constructor(@Inject(CommandBus) private readonly bus: CommandBus) {}

  /** Art. 13: a legitimate reason for a short year, possibly extending its make-up period. */
  @Endpoint('MakeUpReason (Art. 13): the unit or an authority records a legitimate reason, possibly extending the period. A unit\'s reason on a year never written to opens it with that unit, once the year has begun; before, and for an authority, such a year is 404. The reason that stands, sent again exactly as recorded (reason, note, until), records nothing', { response: responses.statement, body: makeUpBody, errors: { 400: 'REASON_REQUIRED (no reason, or an empty or blank one)', 403: 'FORBIDDEN, OUT_OF_SCOPE', 404: 'PERSON_YEAR_NOT_FOUND', 409: 'YEAR_VOIDED, TOO_MANY_CHANGES (a person-year takes at most 100 recorded reasons)' } })
  @Post()
  @HttpCode(200)
  async record(@Param() params: unknown, @Query() query: unknown, @Body() body: unknown, @Meta() meta: CommandMetadata) {
    requireRole(meta.actor, 'unit', 'authority');
    const path = parseWith(personYearPath, params);
    parseWith(noQuery, query);
    const { body: dto, requireReasons } = parseRequiringReasons(makeUpBody, body, { standIn: 'other', message: 'a legitimate reason is required: injury, illness, pregnancy or other', article: '13' });
    if (dto.until !== undefined && dto.until <= `${path.year}-12-31`) {
      throw validationError([{ field: 'until', reason: `must be after the year ${path.year}` }]);
    }
    requireReasons();
    return this.bus.execute(new MakeUpReason({ ...path, reason: dto.reason, note: dto.note ?? null, until: dto.until ?? null }, meta));
  }
}
