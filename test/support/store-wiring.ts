/** Behaviour every event store the API can be configured with must show through the API (EVENT_STORE). */
import { activity, yearPath, type World } from './fixtures';
import type { TestApp } from './test-app';

export function itKeepsCommandsOnThisStore(storeName: string, current: () => { t: TestApp; w: World }): void {
  it(`runs the workflow, time travel and the history chain on ${storeName}`, async () => {
    const { t, w } = current();
    expect((await t.call('GET', '/api/health')).body.checks.eventStore).toBe('up');
    expect((await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ measure: { days: 3, extraMinutes: 270 } }) })).status).toBe(201);
    await t.projected();
    expect((await t.call('GET', '/api/units/u1/pending', { token: w.unit })).body.items).toEqual([expect.objectContaining({ personId: 'p1', activityId: 'a1' })]);
    await t.call('POST', `${yearPath()}/activities/a1/verification`, { token: w.unit, body: { decision: 'approve', hours: 28, reason: 'one session missed' } });
    expect((await t.call('GET', yearPath(), { token: w.pro })).body.totals.verified.public).toBe(28);
    expect((await t.call('GET', `${yearPath()}?revision=1`, { token: w.pro })).body.activities[0].status).toBe('declared');
    const history = (await t.call('GET', `${yearPath()}/history`, { token: w.regulator })).body;
    expect(history.map((e: { type: string }) => e.type)).toEqual(['PersonYearOpened', 'ActivityDeclared', 'ActivityVerifiedByUnit']);
    expect(history[0].prevHash).toBe('0'.repeat(64));
    expect(history[1].prevHash).toBe(history[0].hash);
  });

  it('parallel declarations on one person-year all land; projections follow', async () => {
    const { t, w } = current();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.call('POST', `${yearPath('p2')}/activities`, { token: w.institution, body: activity({ activityId: `r${i}`, unitId: 'u1', evidence: undefined }) })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    await t.call('POST', `${yearPath('p2')}/unit-confirmation`, { token: w.unit, body: {} });
    await t.projected();
    const inbox = await t.call('GET', '/api/authorities/pending', { token: w.hr });
    expect(inbox.body.items).toEqual([expect.objectContaining({ personId: 'p2', year: 2024, unitId: 'u1' })]);
  });

  it(`a refused command writes nothing to ${storeName}`, async () => {
    const { t, w } = current();
    const head = await t.head();
    const res = await t.call('POST', `${yearPath()}/activities`, { token: w.pro, body: activity({ activityId: 'a1', title: 'another body' }) });
    expect(res.body.error.code).toBe('ACTIVITY_ID_REUSED');
    expect(await t.head()).toBe(head);
  });
}
