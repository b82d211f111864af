/**
 * `npm run projections:rebuild`: replays every event from zero into the read models' second copy,
 * printing progress, then puts that copy in use. Running API and workers go on serving and
 * projecting with the copy in use meanwhile: no list is ever partial. Interrupted, it leaves the
 * copy in use as it was; run it again to rebuild.
 */
import { DamagedStreamError, Projector, ProjectionRunner, ReadModelsRebuildingError } from '@jx/projections';
import { fail, openStores, takeNoArguments } from './open-stores';

const USAGE = `usage: npm run projections:rebuild   (in the Docker image: node dist/apps/worker/src/cli/projections-rebuild.js)
  Rebuilds the read models (inboxes, reports, institution index) from every event into their second
  copy, printing progress, then puts that copy in use; servers go on meanwhile. Configured as the
  server is: DATA_DIR, or EVENT_STORE, DATABASE_URL and the schemas (see README, Configuration).`;

async function main(): Promise<void> {
  takeNoArguments(USAGE);
  const { config, events, readModels } = await openStores();
  const models = await readModels();
  const runner = new ProjectionRunner(events, models, new Projector(events, models, config.ruleSets));
  const { rebuildingSince } = await models.rebuildState();
  if (rebuildingSince !== null) process.stdout.write(`a rebuild begun at ${rebuildingSince} has not ended (interrupted, or still running elsewhere): this one takes over, and that one stops\n`);
  let lastPrinted = -1;
  const rebuilt = runner.rebuild((done, total) => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (pct !== lastPrinted) {
      lastPrinted = pct;
      process.stdout.write(`rebuilding read models: ${done}/${total} events (${pct}%)\n`);
    }
  });
  const position = await rebuilt.catch((error: unknown) => {
    // Half-built, the new copy is never put in use: the one in use goes on, whole.
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof ReadModelsRebuildingError) throw new Error(`${message}\nanother rebuild took this one over (it goes on, or has ended already): this one stops, and what that one puts in use stands`);
    if (error instanceof DamagedStreamError) throw new Error(`${message}\nthe read models in use are unchanged; repair the event store, then run npm run projections:rebuild again`);
    throw new Error(`${message}\nthe read models in use are unchanged: run npm run projections:rebuild again to rebuild them`);
  });
  process.stdout.write(`rebuilt up to position ${position}, now in use\n`);
  await models.close();
  await events.close();
}

main().catch(fail);
