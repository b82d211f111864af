import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { z } from 'zod';
import { CreditYearCommands, type CommandMetadata } from '@jx/application';
import { notFound } from '@jx/domain';
import { READ_MODEL_STORE, type ReadModelStore } from '@jx/projections';
import { forbiddenError } from '../http/http-error';
import { requireQueryRegion, requireRegion, requireRole } from '../http/policies';
import { Meta } from '../http/request-context';
import { id, parseWith, region } from '../http/validation';
import { Endpoint } from '../http/openapi';
import * as responses from '../http/responses';

const page = {
  limit: z.string().regex(/^\d{1,4}$/, 'must be a whole number from 1 to 1000').meta({ description: 'how many items, a whole number from 1 to 1000 (default 100)' }).transform(Number).refine((n) => n >= 1 && n <= 1000, 'must be a whole number from 1 to 1000').optional(),
  cursor: z.string().min(1).max(512).optional(),
};

const authorityQuery = z.strictObject({ ...page, region: region.optional() });

@Controller('api')
export class InboxesController {
  constructor(@Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore, @Inject(CreditYearCommands) private readonly years: CreditYearCommands) {}

  /** The unit's inbox: declarations awaiting its verification, oldest first. */
  @Endpoint('Unit inbox: declarations awaiting verification, oldest first (limit 1–1000, cursor)', { response: responses.unitPending, query: z.strictObject(page), ok: '{items: [{personId, year, activityId, category, title, declaredAt}], nextCursor}', errors: { 400: 'VALIDATION_FAILED, INVALID_CURSOR', 403: 'FORBIDDEN', 404: 'UNIT_NOT_FOUND' } })
  @Get('units/:unitId/pending')
  async unitPending(@Param() params: unknown, @Query() query: unknown, @Meta() meta: CommandMetadata) {
    requireRole(meta.actor, 'unit');
    if (meta.actor.unitId !== (params as { unitId?: string }).unitId) throw forbiddenError('a unit reads its own inbox only');
    const { unitId } = parseWith(z.strictObject({ unitId: id }), params);
    const q = parseWith(z.strictObject(page), query);
    // The page first: a malformed cursor is a 400, which API.md puts before the unknown unit's 404.
    const items = await this.readModels.unitPending(unitId, { limit: q.limit ?? 100, cursor: q.cursor ?? null });
    if ((await this.years.readUnit(unitId)) === null) throw notFound('UNIT_NOT_FOUND', `unit ${unitId} is not registered`);
    return items;
  }

  /** The authority's inbox: confirmed person-years awaiting finalisation in its scope. */
  @Endpoint('Authority inbox: confirmed person-years awaiting finalisation in scope, oldest first', { response: responses.authorityPending, query: authorityQuery, ok: '{items: [{personId, year, unitId, confirmedAt}], nextCursor}', errors: { 400: 'VALIDATION_FAILED, INVALID_CURSOR', 403: 'FORBIDDEN, OUT_OF_SCOPE' } })
  @Get('authorities/pending')
  async authorityPending(@Query() query: unknown, @Meta() meta: CommandMetadata) {
    requireRole(meta.actor, 'authority', 'regulator');
    requireQueryRegion(meta.actor, query);
    const q = parseWith(authorityQuery, query);
    const scope = q.region ?? meta.actor.region!;
    requireRegion(meta.actor, scope);
    return this.readModels.authorityPending(
      { region: scope, ...(meta.actor.industry !== undefined ? { industry: meta.actor.industry } : {}) },
      { limit: q.limit ?? 100, cursor: q.cursor ?? null },
    );
  }
}
