import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import type { CommandMetadata } from '@jx/application';
import { creditYearStream } from '@jx/domain';
import { EVENT_STORE, type EventStore } from '@jx/event-store';
import { Meta } from '../http/request-context';
import { noQuery, parseWith } from '../http/validation';
import { personYearPath } from '../credit-years/person-year.path';
import { PersonYearAccess } from './person-year-access';
import { Endpoint } from '../http/openapi';
import * as responses from '../http/responses';

@Controller('api/persons/:personId/years/:year/history')
export class HistoryController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(PersonYearAccess) private readonly access: PersonYearAccess) {}

  /** Every event of the stream with its hash-chain link, so anyone can check nothing was altered. */
  @Endpoint('History: every event of the person-year with its hash chain (sha256 of prevHash + JCS of revision, type, at, actor, data)', { response: responses.history, errors: { 400: 'VALIDATION_FAILED (the path, or any query parameter: it takes none)', 403: 'FORBIDDEN, OUT_OF_SCOPE', 404: 'PERSON_YEAR_NOT_FOUND' } })
  @Get()
  async history(@Param() params: unknown, @Query() query: unknown, @Meta() meta: CommandMetadata) {
    this.access.precheck(meta.actor, (params as { personId?: string }).personId ?? '');
    const path = parseWith(personYearPath, params);
    parseWith(noQuery, query);
    await this.access.current(meta.actor, path.personId, path.year);
    const events = await this.store.readStream(creditYearStream(path.personId, path.year));
    return events.map((e) => ({ revision: e.revision, type: e.type, at: e.metadata.at, actor: e.metadata.actor, data: e.data, hash: e.hash, prevHash: e.prevHash }));
  }
}
