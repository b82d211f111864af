import { Controller, Get, Inject, Query } from '@nestjs/common';
import { z } from 'zod';
import { CreditYearCommands, type CommandMetadata } from '@jx/application';
import { notFound } from '@jx/domain';
import { READ_MODEL_STORE, type ReadModelStore } from '@jx/projections';
import { requireQueryRegion, requireRegion, requireRole } from '../http/policies';
import { Meta } from '../http/request-context';
import { id, parseWith, region, validationError, yearParam } from '../http/validation';
import { Endpoint } from '../http/openapi';
import * as responses from '../http/responses';

const reportQuery = z.strictObject({ year: yearParam, region: region.optional(), unitId: id.optional() });

@Controller('api/reports/compliance')
export class ComplianceReportController {
  constructor(@Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore, @Inject(CreditYearCommands) private readonly years: CreditYearCommands) {}

  /** How many person-years of a year are compliant, short, voided, finalised, delayed — in scope. */
  @Endpoint('Compliance report of a year for a region or a unit', { response: responses.complianceReport, query: reportQuery, ok: '{year, scope: {region} | {unitId}, personYears, compliant, nonCompliant, voided, finalized, promotionDelays}', errors: { 400: 'VALIDATION_FAILED', 403: 'FORBIDDEN, OUT_OF_SCOPE', 404: 'UNIT_NOT_FOUND' } })
  @Get()
  async report(@Query() query: unknown, @Meta() meta: CommandMetadata) {
    requireRole(meta.actor, 'authority', 'regulator');
    requireQueryRegion(meta.actor, query);
    const q = parseWith(reportQuery, query);
    if (q.region !== undefined && q.unitId !== undefined) throw validationError([{ field: 'region', reason: 'give region or unitId, not both' }]);
    const industry = meta.actor.industry !== undefined ? { industry: meta.actor.industry } : {};
    if (q.unitId !== undefined) {
      const unit = await this.years.readUnit(q.unitId);
      if (unit === null) throw notFound('UNIT_NOT_FOUND', `unit ${q.unitId} is not registered`);
      requireRegion(meta.actor, unit.region, true);
      return { year: q.year, scope: { unitId: q.unitId }, ...(await this.readModels.complianceReport(q.year, { unitId: q.unitId, ...industry })) };
    }
    const scope = q.region ?? meta.actor.region!;
    requireRegion(meta.actor, scope);
    return { year: q.year, scope: { region: scope }, ...(await this.readModels.complianceReport(q.year, { region: scope, ...industry })) };
  }
}
