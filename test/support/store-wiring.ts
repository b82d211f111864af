/** Behaviour every event store the API can be configured with must show through the API (EVENT_STORE). */
import { activity, yearPath, type World } from './fixtures';
import type { TestApp } from './test-app';

export function itKeepsCommandsOnThisStore(storeName: string, current: () => { t: TestApp; w: World }): void {
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
