/**
 * The statement read of `npm run bench:http`, run as a process of its own: one request at a time,
 * 300 to warm up, then 2,000 measured; prints {perSecond, p50, p99} as JSON.
 *   STATEMENT_URL, STATEMENT_TOKEN: what to read, as whom (set by http.bench.ts)
 */
import { load, send } from './http-client';

async function main(): Promise<void> {
  const url = process.env.STATEMENT_URL!;
  const headers = { authorization: `Bearer ${process.env.STATEMENT_TOKEN!}` };
  const readOnce = async () => (await send(url, 'GET', headers)).status;
  await load(300, 1, readOnce); // warm-up, as for the commands
  process.stdout.write(`${JSON.stringify(await load(2000, 1, readOnce))}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
