import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { ApiHeader } from '@nestjs/swagger';
import { z } from 'zod';
import { FlagFraud, FlagInstitutionFraud, idempotentFlagId, RescindFraudFlag, type CommandMetadata } from '@jx/application';
import { requireHr } from '../../http/policies';
import { Meta } from '../../http/request-context';
import { evidence, id, parseRequiringReasons, parseWith, printable, reasonText, noQuery } from '../../http/validation';
import { flagPath, personYearPath } from '../person-year.path';
import { Endpoint } from '../../http/openapi';
import * as responses from '../../http/responses';

const flagBody = z.strictObject({ reason: reasonText, evidence: evidence.optional() });
const rescindBody = z.strictObject({ reason: reasonText });
/** An optional request header (the IETF httpapi draft's): a UUID fits. */
const idempotencyKey = z.strictObject({ 'Idempotency-Key': id.optional() });
const institutionFlagBody = z.strictObject({
  year: z.number().int('must be a whole number').min(2023).max(2100),
  reason: reasonText,
  // Content keys: API.md's `courses` 1–20 is 8(6)'s count of courses (a measure); this list has no
  // count there, and is bounded only so that one body cannot ask for an unbounded job.
  courses: z.array(printable(128)).min(1, 'name at least one course, or leave courses out').max(1000).optional(),
});

/** Art. 14: falsified material voids the year; only 人社 flags, only the province rescinds. */
/** Art. 14: a flag says why it voids the year. */
const FLAG_NEEDS_A_REASON = { standIn: 'x', message: 'a fraud flag needs a reason (not empty, not blank)', article: '14' };

@Controller('api')
export class FraudFlagsController {
  constructor(@Inject(CommandBus) private readonly bus: CommandBus) {}

  @Endpoint('FlagFraud (Art. 14): a 人社 authority covering the region voids the year. Each request makes a flag of its own, unless it carries an `Idempotency-Key` header (1–64 characters of A–Z, a–z, 0–9, _ or -; a UUID fits): the same key, body and actor again answers 200 with the same flagId and writes nothing — a retry after a lost answer flags nobody twice', { response: responses.flagged, body: flagBody, errors: { 200: 'the same Idempotency-Key, body and actor again: the same flagId', 400: 'REASON_REQUIRED (no reason, or an empty or blank one); a malformed Idempotency-Key (VALIDATION_FAILED, named in the message)', 403: 'FORBIDDEN, OUT_OF_SCOPE', 404: 'PERSON_YEAR_NOT_FOUND', 409: 'IDEMPOTENCY_KEY_REUSED: the key was used by this actor for another flag of the person-year' } })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Makes a retry safe: the same key, body and actor again answers the same flag', schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } })
  @Post('persons/:personId/years/:year/fraud-flags')
  @HttpCode(201)
  async flag(@Param() params: unknown, @Query() query: unknown, @Body() body: unknown, @Headers('idempotency-key') key: unknown, @Meta() meta: CommandMetadata, @Res({ passthrough: true }) reply: FastifyReply) {
    requireHr(meta.actor);
    const path = parseWith(personYearPath, params);
    parseWith(noQuery, query);
    const { body: dto, requireReasons } = parseRequiringReasons(flagBody, body, FLAG_NEEDS_A_REASON);
    const header = parseWith(idempotencyKey, key === undefined ? {} : { 'Idempotency-Key': key });
    requireReasons();
    const given = header['Idempotency-Key'];
    const flagId = given === undefined ? randomUUID() : idempotentFlagId(meta.actor, path.personId, path.year, given);
    const answer = await this.bus.execute(new FlagFraud({ ...path, flagId, reason: dto.reason, evidence: dto.evidence ?? [], institutionId: null, courses: null, registeredUpTo: null }, meta));
    if (!answer.written) reply.status(200);
    return { flagId: answer.flagId, status: answer.status };
  }

  @Endpoint('RescindFraudFlag (Art. 14): the province 人社 authority restores the year', { response: responses.statement, body: rescindBody, errors: { 400: 'REASON_REQUIRED (no reason, or an empty or blank one)', 403: 'FORBIDDEN', 404: 'PERSON_YEAR_NOT_FOUND, FLAG_NOT_FOUND', 409: 'FLAG_ALREADY_RESCINDED' } })
  @Post('persons/:personId/years/:year/fraud-flags/:flagId/rescission')
  @HttpCode(200)
  async rescind(@Param() params: unknown, @Query() query: unknown, @Body() body: unknown, @Meta() meta: CommandMetadata) {
    requireHr(meta.actor, true);
    const path = parseWith(flagPath, params);
    parseWith(noQuery, query);
    const { body: dto, requireReasons } = parseRequiringReasons(rescindBody, body, { standIn: 'x', message: 'a rescission needs a reason (not empty, not blank)', article: '14' });
    requireReasons();
    return this.bus.execute(new RescindFraudFlag({ ...path, reason: dto.reason }, meta));
  }

  @Endpoint('FlagFraud on an institution (Art. 14): province 人社 only; a job flags each person-year holding its registrations (of the named courses) as the store held them when the flag was accepted — a registration made after the 202 needs a later post — whenever the job runs. The same flag (institution, year, reason, courses as a set, whoever posts it) posted again by the same official with nothing written since answers the same job; posted after other writes (registrations made since, say) or by another official, it is a new job, which flags each holder that does not hold it yet. Nobody is flagged twice by it, and a person-year whose flag from it was rescinded keeps the rescission: to void it again, flag it on its own or give another reason.', { response: responses.jobAccepted, body: institutionFlagBody, errors: { 400: 'REASON_REQUIRED (no reason, or an empty or blank one)', 403: 'FORBIDDEN', 503: 'SERVICE_UNAVAILABLE: REDIS_URL is set and Redis did not answer within 5 s (nothing known enqueued; a retry of the same request flags nobody twice)' } })
  @Post('institutions/:institutionId/fraud-flags')
  @HttpCode(202)
  async flagInstitution(@Param() params: unknown, @Query() query: unknown, @Body() body: unknown, @Meta() meta: CommandMetadata) {
    requireHr(meta.actor, true);
    const { institutionId } = parseWith(z.strictObject({ institutionId: id }), params);
    parseWith(noQuery, query);
    const { body: dto, requireReasons } = parseRequiringReasons(institutionFlagBody, body, FLAG_NEEDS_A_REASON);
    requireReasons();
    return this.bus.execute(new FlagInstitutionFraud({ institutionId, year: dto.year, reason: dto.reason, courses: dto.courses ?? null }, meta));
  }
}
