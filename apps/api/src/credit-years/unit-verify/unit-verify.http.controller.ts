import { Body, Controller, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { UnitVerify, type CommandMetadata } from '@jx/application';
import { HttpError } from '../../http/http-error';
import { requireRole } from '../../http/policies';
import { Meta } from '../../http/request-context';
import { isBlank, parseWith, validationError, noQuery } from '../../http/validation';
import { activityPath } from '../person-year.path';
import { unitVerifyBody } from './unit-verify.request.dto';
import { Endpoint } from '../../http/openapi';
import * as responses from '../../http/responses';

@Controller('api/persons/:personId/years/:year/activities/:activityId/verification')
export class UnitVerifyController {
  constructor(@Inject(CommandBus) private readonly bus: CommandBus) {}

  /** 核定: the unit approves (possibly with fewer hours) or rejects a declaration. */
  @Endpoint('UnitVerify (核定): the unit approves, possibly with fewer hours, or rejects', { response: responses.activityStatement, body: unitVerifyBody, errors: { 400: 'VALIDATION_FAILED, REASON_REQUIRED', 403: 'FORBIDDEN, OUT_OF_SCOPE', 404: 'PERSON_YEAR_NOT_FOUND, ACTIVITY_NOT_FOUND', 409: 'YEAR_VOIDED, ACTIVITY_NOT_DECLARED, CONTENT_ALREADY_COUNTED (a contentKey another year already counts, Art. 13), CONCURRENCY_CONFLICT', 422: 'HOURS_ABOVE_CLAIMED' } })
  @Post()
  @HttpCode(200)
  async verify(@Param() params: unknown, @Query() query: unknown, @Body() body: unknown, @Meta() meta: CommandMetadata) {
    requireRole(meta.actor, 'unit');
    const path = parseWith(activityPath, params);
    parseWith(noQuery, query);
    const dto = parseWith(unitVerifyBody, body);
    // The reason first: API.md names REASON_REQUIRED for a rejection and for any `hours`, and an
    // empty or blank reason is none. Where none is needed, one given must still say something.
    const blank = dto.reason !== undefined && isBlank(dto.reason);
    if ((dto.decision === 'reject' || dto.hours !== undefined) && (dto.reason === undefined || blank)) {
      throw new HttpError(400, 'REASON_REQUIRED', 'a rejection, or hours other than the claimed, need a reason (not empty, not blank)', '12');
    }
    if (blank) throw validationError([{ field: 'reason', reason: 'must not be empty or blank' }]);
    if (dto.decision === 'reject' && dto.hours !== undefined) throw validationError([{ field: 'hours', reason: 'is not given with a rejection (a rejection counts no hours)' }]);
    return this.bus.execute(
      new UnitVerify({ ...path, decision: dto.decision, hours: dto.hours ?? null, reason: dto.reason ?? null, contentKey: dto.contentKey ?? null }, meta),
    );
  }
}
