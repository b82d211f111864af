/**
 * A stream holding an event type this version does not know — written by a newer version during a
 * rolling deployment or after a rollback, or not by this system — is read whole or not at all: a
 * statement or a decision without that event could be wrong, and silently so.
 */
import { creditYearStream } from '@jx/domain';
import { activity, world, yearPath, type World } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await startTestApp();
  w = await world(t);
});
afterAll(() => t.close());

it('a person-year holding one answers 503 to its statement, its history and commands (a newer process may answer), writing nothing', async () => {
  expect((await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity() })).status).toBe(201);
  expect((await t.call('GET', yearPath(), { token: w.pro })).status).toBe(200);
  const metadata = { actor: { id: 'newer', role: 'authority' }, correlationId: 'c-newer', causationId: null, ruleSetId: 'jx-2023-trial', at: '2024-06-01T02:00:00.000Z' };
  await t.store.append(creditYearStream('p1', 2024), [{ type: 'YearArchivedByProvince', data: { note: 'from a newer version' }, metadata }], 1);
  const head = await t.head();

  const statement = await t.call('GET', yearPath(), { token: w.pro });
  expect([statement.status, statement.body.error.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
  // Also as it stood before that event: who may read a year is judged on the year as it is now.
  expect((await t.call('GET', `${yearPath()}?revision=1`, { token: w.pro })).status).toBe(503);
  const declared = await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ activityId: 'a2' }) });
  expect([declared.status, declared.body.error.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
  const confirmed = await t.call('POST', `${yearPath()}/unit-confirmation`, { token: w.unit, body: {} });
  expect(confirmed.status).toBe(503);
  expect(await t.head()).toBe(head);

  // Its history too: who may read it is judged on the year as it is now. The events stay as stored.
  expect((await t.call('GET', `${yearPath()}/history`, { token: w.hr })).status).toBe(503);
  expect((await t.store.readStream(creditYearStream('p1', 2024))).map((e) => e.type)).toEqual(['PersonYearOpened', 'ActivityDeclared', 'YearArchivedByProvince']);
});
