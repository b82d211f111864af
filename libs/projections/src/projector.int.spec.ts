import { defaultRegistry } from '@jx/rules';
import { DamagedStreamError, Projector, READ_MODELS_CHECKPOINT } from './projector';
import { ProjectionRunner } from './projection-runner';
import { PersonYearWriter, at, projectionHarness, type ProjectionHarness } from './testing/projection-fixtures';

describe('the projector on a damaged event store', () => {
  let h: ProjectionHarness;
  afterEach(() => h.close());

  it("a page holding a revision its stream lacks (an event deleted behind the store's back) is refused as damage, naming the stream, and nothing is written", async () => {
    h = await projectionHarness();
    const writer = new PersonYearWriter(h.events, 'p-damaged', 2024);
    await writer.open('u1', at(0));
    await writer.declare('a1', at(1));
    const [, second] = await h.events.readStream(writer.streamId);
    // The page as a damaged store would give it: revision 2, while the stream holds revisions 0 and 1.
    const page = [{ ...second!, revision: 2, position: second!.position + 1 }];
    const projector = new Projector(h.events, h.readModels, defaultRegistry());
    const before = h.readModels.dump();
    const refusal = projector.handle(page);
    await expect(refusal).rejects.toThrow(DamagedStreamError);
    await expect(refusal).rejects.toThrow(`${writer.streamId}: 2 events read up to revision 2, where there must be 3`);
    expect(h.readModels.dump()).toEqual(before);
  });
});

describe('the projector keeps recently projected streams within a budget of events', () => {
  let h: ProjectionHarness;
  afterEach(() => h.close());

  it('holds at most its budget, least recently projected out first, and projects a stream it let go exactly as an unbounded projector does', async () => {
    h = await projectionHarness();
    const writers = ['p1', 'p2', 'p3'].map((p) => new PersonYearWriter(h.events, p, 2024));
    for (const w of writers) {
      await w.open('u1', at(0));
      await w.declare(`${w.personId}-a1`, at(1));
      await w.declare(`${w.personId}-a2`, at(2));
    }
    // Three streams of 3 events, each weighing 4 (its events and one for the entry): 8 keeps two.
    const bounded = new Projector(h.events, h.readModels, defaultRegistry(), READ_MODELS_CHECKPOINT, 8);
    const first = await h.events.readAll(0, 100);
    await bounded.handle(first);
    expect(bounded.cachedEvents).toBe(8);
    // p1 was let go: its next event is projected from its stream read again.
    await writers[0]!.declare('p1-a3', at(3));
    await bounded.handle(await h.events.readAll(first[first.length - 1]!.position, 100));
    expect(bounded.cachedEvents).toBe(5);
    const unbounded = h.secondary('unbounded.sqlite');
    await unbounded.runner.start();
    await unbounded.runner.waitFor(await h.events.headPosition());
    expect(h.readModels.dump()).toEqual(unbounded.readModels.dump());
  });

  it("a rebuild replays with a cache of its own, leaving the live projection's recent streams as they were", async () => {
    h = await projectionHarness();
    const writer = new PersonYearWriter(h.events, 'p-rebuilt', 2024);
    await writer.open('u1', at(0));
    await writer.declare('a1', at(1));
    const live = new Projector(h.events, h.readModels, defaultRegistry());
    const runner = new ProjectionRunner(h.events, h.readModels, live);
    expect(await runner.rebuild()).toBe(await h.events.headPosition());
    expect(live.cachedEvents).toBe(0);
    await live.handle(await h.events.readAll(0, 100));
    expect(live.cachedEvents).toBe(3);
  });

  it('keeps a stream heavier than the whole budget alone, until another is projected', async () => {
    h = await projectionHarness();
    const writer = new PersonYearWriter(h.events, 'p-long', 2024);
    await writer.open('u1', at(0));
    await writer.declare('a1', at(1));
    await writer.declare('a2', at(2));
    const bounded = new Projector(h.events, h.readModels, defaultRegistry(), READ_MODELS_CHECKPOINT, 3);
    const first = await h.events.readAll(0, 100);
    await bounded.handle(first);
    expect(bounded.cachedEvents).toBe(4);
    const other = new PersonYearWriter(h.events, 'p-other', 2024);
    await other.open('u1', at(3));
    await bounded.handle(await h.events.readAll(first[first.length - 1]!.position, 100));
    expect(bounded.cachedEvents).toBe(2);
  });
});
