import { Body, Controller, Inject, Param, Put, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { z } from 'zod';
import { PutUnit, type CommandMetadata } from '@jx/application';
import { FIELDS } from '@jx/domain';
import { requireRegion, requireRole } from '../http/policies';
import { forbiddenError } from '../http/http-error';
import { Meta } from '../http/request-context';
import { id, line, parseWith, region, noQuery } from '../http/validation';
import { Endpoint } from '../http/openapi';
import * as responses from '../http/responses';

const putUnitBody = z.strictObject({ name: line(200), region, industry: z.enum(FIELDS) });

@Controller('api/units/:unitId')
export class PutUnitController {
  constructor(@Inject(CommandBus) private readonly bus: CommandBus) {}

  /** A 人社 authority registers an employer in its region; re-putting updates it (as an event). */
  @Endpoint('PutUnit: a 人社 authority registers or updates an employer within its region', { response: responses.unit, body: putUnitBody, errors: { 403: 'FORBIDDEN, OUT_OF_SCOPE' } })
  @Put()
  async put(@Param() params: unknown, @Query() query: unknown, @Body() body: unknown, @Meta() meta: CommandMetadata) {
    requireRole(meta.actor, 'authority');
    if (meta.actor.industry !== undefined) throw forbiddenError('only a 人社 authority registers units');
    const { unitId } = parseWith(z.strictObject({ unitId: id }), params);
    parseWith(noQuery, query);
    const dto = parseWith(putUnitBody, body);
    requireRegion(meta.actor, dto.region);
    const unit = await this.bus.execute(new PutUnit({ unitId, ...dto }, meta));
    return { unitId: unit.unitId, name: unit.name, region: unit.region, industry: unit.industry };
  }
}
