/**
 * The rule sets in force (RULES.md §4, Art. 15), for anyone holding a token: a statement names the
 * rule set it was computed under, and a regulator replaying history asks "under which rules" —
 * here are their requirement, conversions, items and caps, and the (field, year) mapping.
 */
import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { z } from 'zod';
import { RULE_SETS } from '@jx/application';
import { notFound } from '@jx/domain';
import { RuleSetIdSchema, type RuleSet, type RuleSetRegistry } from '@jx/rules';
import { noQuery, parseWith } from '../http/validation';
import { Endpoint } from '../http/openapi';
import * as responses from '../http/responses';

const summary = (set: RuleSet) => ({
  id: set.id,
  version: set.version,
  title: set.title,
  source: set.source ?? null,
  effectiveFrom: set.effectiveFrom,
  lineage: set.lineage,
});

@Controller('api/rule-sets')
export class RuleSetsController {
  constructor(@Inject(RULE_SETS) private readonly rules: RuleSetRegistry) {}

  @Endpoint('Rule sets loaded (jx-2023-trial, and those of the deployment RULE_SETS_FILE) and the (field, year) mapping that picks one for a person-year: an entry naming the field beats `*`; among those covering the year, the latest `fromYear` wins. Any role', { response: responses.ruleSets, errors: { 400: 'VALIDATION_FAILED (any query parameter: it takes none)' } })
  @Get()
  list(@Query() query: unknown) {
    parseWith(noQuery, query);
    return {
      ruleSets: this.rules.ids().map((id) => summary(this.rules.resolve(id))),
      mapping: this.rules.entries().map((e) => ({ field: e.field, fromYear: e.fromYear, toYear: e.toYear ?? null, ruleSet: e.ruleSet })),
    };
  }

  @Endpoint('One rule set as it applies, `extends` resolved (`lineage`: itself, then what it extends): the yearly requirement (Art. 6), the time conversion (Art. 7), and per item its article, measure, subject and yearly cap in 学时 (null: none). Any role', { response: responses.ruleSet, errors: { 400: 'VALIDATION_FAILED (the id, or any query parameter: it takes none)', 404: 'RULE_SET_NOT_FOUND' } })
  @Get(':ruleSetId')
  one(@Param() params: unknown, @Query() query: unknown) {
    const { ruleSetId } = parseWith(z.strictObject({ ruleSetId: RuleSetIdSchema }), params);
    parseWith(noQuery, query);
    const set = this.rules.find(ruleSetId);
    if (set === undefined) throw notFound('RULE_SET_NOT_FOUND', `rule set ${ruleSetId} is not loaded`);
    return { ...summary(set), requirement: set.requirement, art7: set.art7, items: set.items };
  }
}
