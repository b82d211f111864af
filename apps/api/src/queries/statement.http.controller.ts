import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { RULE_SETS, Statements, type CommandMetadata } from '@jx/application';
import type { RuleSetRegistry } from '@jx/rules';
import { Meta } from '../http/request-context';
import { instant, parseWith, validationError } from '../http/validation';
import { personYearPath } from '../credit-years/person-year.path';
import { PersonYearAccess } from './person-year-access';
import { Endpoint } from '../http/openapi';
import * as responses from '../http/responses';

/**
 * A `+` written into a query string as it is reads as a space (form encoding): an instant whose zone
 * is ` HH:MM` could only have been `+HH:MM` (no instant holds a space), so it is read as that.
 */
const unencodedPlus = (value: unknown): unknown => (typeof value === 'string' ? value.replace(/^(\S+) (\d{2}:\d{2})$/, '$1+$2') : value);

const statementQuery = z.strictObject({
  asOf: z
    .preprocess(unencodedPlus, instant)
    .describe('the year as it stood after every event recorded at or before this instant: ISO-8601 with milliseconds and a zone, e.g. 2024-05-06T08:00:00.000Z (a `+` of the zone may be sent as it is, or as %2B)')
    .optional(),
  // Any whole number: one past the last revision is 404 however large (beyond 2^53 it reads as 2^53 − 1, past any stream).
  revision: z
    .string()
    .regex(/^\d+$/, 'must be a whole number from 0')
    .describe('the year as it stood after the event of this revision (from 0, as History numbers them)')
    .transform((s) => Math.min(Number(s), Number.MAX_SAFE_INTEGER))
    .optional(),
  ruleSet: z
    .string()
    .max(64)
    .describe('recompute under another rule set loaded (jx-2023-trial, and those of the deployment RULE_SETS_FILE; any other id is 400); without it, the rule set configured now for (field, year), or — with asOf / revision — the one recorded with the last event then (the one configured now if that is no longer loaded; Art. 15)')
    .optional(),
});

@Controller('api/persons/:personId/years/:year')
export class StatementController {
  constructor(
    @Inject(Statements) private readonly statements: Statements,
    @Inject(PersonYearAccess) private readonly access: PersonYearAccess,
    @Inject(RULE_SETS) private readonly rules: RuleSetRegistry,
  ) {}

  /** The statement, now or as it stood (asOf / revision), under its rules or another (ruleSet). */
  @Endpoint('Statement: totals per tier, compliance, shortfall, each activity with its derivation; asOf / revision travel in time, ruleSet recomputes', { response: responses.statement, query: statementQuery, errors: { 400: 'VALIDATION_FAILED', 403: 'FORBIDDEN, OUT_OF_SCOPE', 404: 'PERSON_YEAR_NOT_FOUND, REVISION_NOT_FOUND' } })
  @Get()
  async statement(@Param() params: unknown, @Query() query: unknown, @Meta() meta: CommandMetadata, @Res({ passthrough: true }) reply: FastifyReply) {
    this.access.precheck(meta.actor, (params as { personId?: string }).personId ?? '');
    const path = parseWith(personYearPath, params);
    const q = parseWith(statementQuery, query);
    if (q.asOf !== undefined && q.revision !== undefined) throw validationError([{ field: 'asOf', reason: 'give asOf or revision, not both' }]);
    if (q.ruleSet !== undefined && !this.rules.has(q.ruleSet)) throw validationError([{ field: 'ruleSet', reason: `unknown rule set ${q.ruleSet}` }]);
    // 404s first (unknown year, revision or instant), then the scope the stored year decides.
    if (q.asOf !== undefined || q.revision !== undefined) {
      const then = await this.statements.asItStood(path.personId, path.year, q);
      await this.access.current(meta.actor, path.personId, path.year);
      return this.statements.render(then.state, then.ruleSet);
    }
    const latest = await this.statements.latest(path.personId, path.year);
    await this.access.current(meta.actor, path.personId, path.year, latest.state);
    reply.header('content-type', 'application/json; charset=utf-8');
    return latest.json(q.ruleSet);
  }
}
