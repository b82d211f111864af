/**
 * `npm run projections:rebuild`: empties the read models and replays every event from zero,
 * printing progress. Running projections (API, workers) wait for it and carry on after it; the
 * lists are incomplete meanwhile. Interrupted, it leaves the read models held: run it again.
 */
import { Projector, ProjectionRunner } from '@jx/projections';
import { defaultRegistry } from '@jx/rules';
import { fail, openStores } from './open-stores';

async function main(): Promise<void> {
  const { events, readModels } = await openStores();
  const models = await readModels();
  const runner = new ProjectionRunner(events, models, new Projector(events, models, defaultRegistry()));
  let lastPrinted = -1;
  const rebuilt = runner.rebuild((done, total) => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (pct !== lastPrinted) {
      lastPrinted = pct;
      process.stdout.write(`rebuilding read models: ${done}/${total} events (${pct}%)\n`);
    }
  });
  await rebuilt.catch((error: unknown) => {
    // Left half-built, the read models stay held (projections wait): only a completed rebuild frees them.
    throw new Error(`${error instanceof Error ? error.message : String(error)}\nthe read models stay held until a rebuild completes: run npm run projections:rebuild again`);
  });
  process.stdout.write(`rebuilt up to position ${runner.checkpoint}\n`);
  await models.close();
  await events.close();
}

main().catch(fail);
