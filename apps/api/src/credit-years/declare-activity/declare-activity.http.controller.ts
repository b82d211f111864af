import { Body, Controller, HttpCode, Inject, Param, Post, Res, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';
import { DeclareActivity, RULE_SETS, type CommandMetadata } from '@jx/application';
import { canonicalJson } from '@jx/event-store';
import { CATEGORIES, validateMeasure, type Category, type RuleSetRegistry } from '@jx/rules';
import { forbiddenError, HttpError } from '../../http/http-error';
import { requireOwnPerson, requireRole } from '../../http/policies';
import { Meta } from '../../http/request-context';
import { parseWith, validationError, noQuery } from '../../http/validation';
import { personYearPath } from '../person-year.path';
import { declareActivityBody, ITEMS_BY_ROLE } from './declare-activity.request.dto';
import { Endpoint } from '../../http/openapi';
import * as responses from '../../http/responses';

@Controller('api/persons/:personId/years/:year/activities')
export class DeclareActivityController {
  constructor(@Inject(CommandBus) private readonly bus: CommandBus, @Inject(RULE_SETS) private readonly rules: RuleSetRegistry) {}

  @Endpoint('DeclareActivity: a professional declares (any item but 8.3), an institution registers 8.1/8.2 (body unitId), a unit registers 8.3', { response: responses.declared, body: declareActivityBody, ok: '{activityId, status: declared | verified, hours, revision}', errors: { 200: 'the same activityId, body and actor again: the first answer', 400: 'VALIDATION_FAILED, EVIDENCE_REQUIRED, INVALID_JSON', 403: 'FORBIDDEN, ITEM_NOT_ALLOWED_FOR_ROLE', 404: 'UNIT_NOT_FOUND', 409: 'YEAR_VOIDED, UNIT_MISMATCH, ACTIVITY_ID_REUSED, TOO_MANY_ACTIVITIES (a person-year takes at most 500 activities, withdrawn and rejected ones included), POINTS_ALREADY_DECLARED, YEAR_CLOSED, YEAR_FINALIZED, CONTENT_ALREADY_COUNTED, CONCURRENCY_CONFLICT', 422: 'OUTSIDE_YEAR, COMPLETED_IN_FUTURE' } })
  @Post()
  @HttpCode(201)
  async declare(@Param() params: unknown, @Query() query: unknown, @Body() body: unknown, @Meta() meta: CommandMetadata, @Res({ passthrough: true }) reply: FastifyReply) {
    const { actor } = meta;
    requireRole(actor, 'professional', 'institution', 'unit');
    requireOwnPerson(actor, (params as { personId?: string }).personId ?? '');
    const category = (body as { category?: unknown } | null)?.category;
    if ((CATEGORIES as readonly unknown[]).includes(category) && !ITEMS_BY_ROLE[actor.role]!(category as Category)) {
      throw forbiddenError(`a ${actor.role} may not declare item ${String(category)}`, 'ITEM_NOT_ALLOWED_FOR_ROLE', '12');
    }
    const path = parseWith(personYearPath, params);
    parseWith(noQuery, query);
    const dto = parseWith(declareActivityBody, body);
    if (actor.role === 'institution' ? dto.unitId === undefined : dto.unitId !== undefined) {
      throw validationError([{ field: 'unitId', reason: actor.role === 'institution' ? 'is required for an institution' : 'must not be given: it comes from the token' }]);
    }
    if (actor.role === 'professional' && (dto.evidence ?? []).length === 0) {
      throw new HttpError(400, 'EVIDENCE_REQUIRED', 'a declaration needs at least one evidence item', '12');
    }
    // Shape and bounds of the measure against the rule set every field gets that year, before the
    // year (and its field) is read: a field's own takes every declaration it takes (Art. 15 checks).
    const measured = validateMeasure(this.rules.ruleSetForAnyField(path.year), { category: dto.category, subject: dto.subject, measure: dto.measure ?? {} });
    // The measure's shape is the rule of the item's article (8, 9 or 10; Art. 7 for time).
    if (!measured.ok) throw validationError(measured.errors, 'VALIDATION_FAILED', dto.category.split('.')[0]);
    const answer = await this.bus.execute(
      new DeclareActivity(
        {
          personId: path.personId,
          year: path.year,
          unitId: dto.unitId ?? actor.unitId!,
          activity: { activityId: dto.activityId, category: dto.category, subject: dto.subject, title: dto.title, completedOn: dto.completedOn, measure: dto.measure ?? {}, contentKey: dto.contentKey ?? null, evidence: dto.evidence ?? [] },
          requestDigest: createHash('sha256').update(canonicalJson(body)).digest('hex'),
        },
        meta,
      ),
    );
    if (!answer.created) reply.status(200);
    return { activityId: answer.activityId, status: answer.status, hours: answer.hours, revision: answer.revision };
  }
}
