import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { creditYearStream, unitStream } from '@jx/domain';
import { openSqliteEventStore, type EventStore, type SqliteEventStore } from '@jx/event-store';
import { defaultRegistry } from '@jx/rules';
import { CreditYearCommands } from '../credit-year-commands';
import { Statements } from '../statements';
import { FlagFraud, FlagFraudHandler } from './flag-fraud.handler';
import { AuthorityFinalize, AuthorityFinalizeHandler } from './statement-commands.handler';

/**
 * An authority's command on a person-year that a declaration, sent at the same time, opens between
 * the moment the command reads the year's unit and the moment it reads the year (RULES.md §1: an
 * authority of 360000 covers every unit). The real SQLite store; the declaration's append is made
 * right after that first read, as another request's would land there.
 */
const YEAR = creditYearStream('p1', 2024);
const meta = { actor: { sub: 'hr-1', role: 'authority' as const, region: '360000' }, correlationId: 'c-1', causationId: null };
const at = { actor: { id: 'p1-user', role: 'professional' }, correlationId: 'c-0', causationId: null, ruleSetId: 'jx-2023-trial', at: '2024-06-01T02:00:00.000Z' };

let dir: string;
let store: SqliteEventStore;
let years: CreditYearCommands;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jx-race-'));
  store = openSqliteEventStore({ file: join(dir, 'events.sqlite') });
  await store.append(unitStream('u1'), [{ type: 'UnitPut', data: { unitId: 'u1', name: 'Unit One', region: '360102', industry: 'general' }, metadata: at }], -1);
  years = new CreditYearCommands(openedRightAfterItsUnitIsRead(store), { now: () => new Date('2024-06-01T02:00:00.000Z') }, defaultRegistry(), { yearClosesOn: '03-31' });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The store, but the first read of the year's opening event (its unit) is followed by the year being opened. */
function openedRightAfterItsUnitIsRead(real: SqliteEventStore): EventStore {
  let opened = false;
  return new Proxy(real, {
    get(target, property) {
      if (property === 'readStream') {
        return async (streamId: string, options?: { toRevision?: number }) => {
          const events = await target.readStream(streamId, options);
          if (streamId === YEAR && options?.toRevision === 0 && !opened) {
            opened = true;
            await target.append(YEAR, [{ type: 'PersonYearOpened', data: { personId: 'p1', year: 2024, unitId: 'u1', field: 'general' }, metadata: at }], -1);
          }
          return events;
        };
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('an authority command racing the declaration that opens the person-year gets an answer some serial order gives, never 403', () => {
  it('FlagFraud: the year opened meanwhile is flagged (201), not refused as out of scope', async () => {
    const answer = await new FlagFraudHandler(years).execute(new FlagFraud({ personId: 'p1', year: 2024, flagId: 'f1', reason: 'forged', evidence: [], institutionId: null, courses: null, registeredUpTo: null }, meta));
    expect(answer).toMatchObject({ flagId: 'f1', status: 'voided' });
    expect((await store.readStream(YEAR)).map((e) => e.type)).toEqual(['PersonYearOpened', 'FraudFlagged']);
  });

  it('AuthorityFinalize: the year opened meanwhile is not confirmed (409 NOT_CONFIRMED), not out of scope', async () => {
    const handler = new AuthorityFinalizeHandler(years, new Statements(store, defaultRegistry()));
    await expect(handler.execute(new AuthorityFinalize({ personId: 'p1', year: 2024, adjustments: [] }, meta))).rejects.toMatchObject({ code: 'NOT_CONFIRMED' });
  });
});
