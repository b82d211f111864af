/**
 * The shared contract against a real EventStoreDB. It runs whenever EVENTSTORE_URL is set
 * (README: `docker compose -f test/eventstoredb.compose.yml up -d --wait`, a server in memory that
 * keeps nothing, then `EVENTSTORE_URL='esdb://127.0.0.1:2113?tls=false' npx jest --selectProjects int --testPathPatterns eventstoredb`;
 * never a server holding the product's events).
 * Skipped otherwise, on purpose and visibly: no EventStoreDB server can run on the development
 * machines (no Docker engine, no package). The fakes beside it (of the server, of the client) check
 * the adapter and its use of the client; only this run checks the server itself.
 */
import { randomBytes } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { describeEventStoreContract } from '../testing';
import { openEventStoreDbEventStore } from './eventstoredb-event-store.adapter';
import { itCountsContentOnceAcrossProcesses } from './testing/content-race';
import { itAnswersTheSameAppendAgainAsTheServer } from './testing/repeated-append';

const url = process.env.EVENTSTORE_URL;

if (url === undefined) {
  describe.skip('eventstoredb contract (set EVENTSTORE_URL to run it)', () => {
    it('needs a server', () => undefined);
  });
} else {
  describeEventStoreContract('eventstoredb', async () => {
    const store = openEventStoreDbEventStore({ connectionString: url, namespace: `t${randomBytes(6).toString('hex')}`, pollIntervalMs: 50 });
    return { store, cleanup: () => store.close() };
  });
  describe('the server', () => {
    itAnswersTheSameAppendAgainAsTheServer(() => {
      const client = EventStoreDBClient.connectionString(url);
      return { client, streamName: `t${randomBytes(6).toString('hex')}__again`, close: () => client.dispose() };
    });
  });
  describe('guards across two years of one person, two processes on one server', () => {
    const namespace = `t${randomBytes(6).toString('hex')}`;
    itCountsContentOnceAcrossProcesses(() => openEventStoreDbEventStore({ connectionString: url, namespace }));
  });
}
