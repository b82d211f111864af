import { Body, Controller, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { z } from 'zod';
import { AuthorityFinalize, type CommandMetadata } from '@jx/application';
import { requireRole } from '../../http/policies';
import { Meta } from '../../http/request-context';
import { hours, id, parseRequiringReasons, parseWith, printable, reasonText, noQuery } from '../../http/validation';
import { personYearPath } from '../person-year.path';
import { Endpoint } from '../../http/openapi';
import * as responses from '../../http/responses';

const finalizeBody = z.strictObject({
  decision: z.literal('approve'),
  adjustments: z
    .array(z.strictObject({ activityId: id, hours: hours(2000), reason: reasonText, contentKey: printable(128).optional() }))
    .max(1000, 'at most 1000 adjustments')
    .refine((list) => new Set(list.map((a) => a.activityId)).size === list.length, 'each activity may be adjusted once')
    .optional(),
});

@Controller('api/persons/:personId/years/:year/finalization')
export class AuthorityFinalizeController {
  constructor(@Inject(CommandBus) private readonly bus: CommandBus) {}

  /** 终审 (Art. 12 ¶3): final review of a confirmed year; `hours: 0` rejects an activity. */
  @Endpoint('AuthorityFinalize (终审, Art. 12 ¶3): an authority covering the unit (and field) finalises a confirmed year', { response: responses.statement, body: finalizeBody, errors: { 400: 'REASON_REQUIRED (no reason, or an empty or blank one) of an adjustment', 403: 'FORBIDDEN, OUT_OF_SCOPE', 404: 'PERSON_YEAR_NOT_FOUND, ACTIVITY_NOT_FOUND', 409: 'YEAR_VOIDED, NOT_CONFIRMED, ACTIVITY_NOT_VERIFIED, CONTENT_ALREADY_COUNTED (a contentKey of an adjustment that another year already counts, Art. 13), POINTS_ALREADY_DECLARED (an adjustment above 0 bringing back an 8.8 set to 0 while another 8.8 is active), CONCURRENCY_CONFLICT', 422: 'HOURS_ABOVE_VERIFIED' } })
  @Post()
  @HttpCode(200)
  async finalize(@Param() params: unknown, @Query() query: unknown, @Body() body: unknown, @Meta() meta: CommandMetadata) {
    requireRole(meta.actor, 'authority');
    const path = parseWith(personYearPath, params);
    parseWith(noQuery, query);
    const { body: dto, requireReasons } = parseRequiringReasons(finalizeBody, body, { standIn: 'x', message: 'an adjustment needs a reason (not empty, not blank)', article: '12' });
    requireReasons();
    const adjustments = (dto.adjustments ?? []).map((a) => ({ ...a, contentKey: a.contentKey ?? null }));
    return this.bus.execute(new AuthorityFinalize({ ...path, adjustments }, meta));
  }
}
