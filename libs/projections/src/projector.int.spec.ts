import { defaultRegistry } from '@jx/rules';
import { DamagedStreamError, Projector } from './projector';
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
