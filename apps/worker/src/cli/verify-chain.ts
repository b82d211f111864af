/**
 * `npm run verify-chain`: recomputes every stream's hash chain (API.md, History) and names the
 * first broken link of each broken stream. Exit 0 when intact, 3 when anything is broken.
 */
import { verifyChain } from '@jx/event-store';
import { isStoreUnavailable } from '@jx/platform';
import { fail, openStores, takeNoArguments } from './open-stores';

const USAGE = `usage: npm run verify-chain   (in the Docker image: node dist/apps/worker/src/cli/verify-chain.js)
  Recomputes every stream's hash chain and names the first broken link of each broken stream: exit 0
  when all are intact, 3 when any is broken, 1 when the store cannot be read. Configured as the
  server is: DATA_DIR, or EVENT_STORE, DATABASE_URL / EVENTSTORE_URL (see README, Configuration).`;

async function main(): Promise<void> {
  takeNoArguments(USAGE);
  const { config, events } = await openStores();
  let lastPrinted = -1;
  let checked = 0;
  const report = await verifyChain(events, {
    onProgress: ({ streamsChecked, streamsTotal, eventsChecked }) => {
      checked = streamsChecked;
      const pct = Math.floor((streamsChecked / streamsTotal) * 100);
      if (pct === lastPrinted) return;
      lastPrinted = pct;
      process.stdout.write(`verifying hash chains: ${streamsChecked}/${streamsTotal} streams (${pct}%), ${eventsChecked} events\n`);
    },
  }).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    // A store lost mid-way (a PostgreSQL restart): say which, and that the verdict is still to come.
    const cause = isStoreUnavailable(error) ? `the event store (EVENT_STORE=${config.EVENT_STORE}) could not be read: ${reason}. The check is incomplete (nothing is known of the streams not yet checked): run it again once the store answers.` : `${reason}. The check is incomplete.`;
    return fail(new Error(`verify-chain stopped after ${checked} streams: ${cause}`));
  });
  await events.close();
  for (const b of report.broken) {
    process.stdout.write(`BROKEN ${b.streamId} at revision ${b.revision}: ${b.reason} (${b.message})\n`);
  }
  process.stdout.write(`${report.ok ? 'OK' : 'BROKEN'}: ${report.streamsChecked} streams, ${report.eventsChecked} events checked, ${report.broken.length} broken\n`);
  process.exit(report.ok ? 0 : 3);
}

main().catch(fail);
