import type { EventStore } from '../event-store.port';
import { appendContract } from './contract/append.contract';
import type { EventStoreFactory, EventStoreFixture } from './contract/contract-context';
import { handleCommandContract } from './contract/handle-command.contract';
import { readsContract } from './contract/reads.contract';
import { subscriptionContract } from './contract/subscription.contract';

export type { EventStoreFactory, EventStoreFixture };

/**
 * The behaviour every EventStore adapter must show (ARCHITECTURE.md: one contract suite, run
 * against every adapter that can run here). Each test gets a fresh store from the factory; the
 * tests also use unique stream ids and relative positions, so a shared store passes too.
 */
export function describeEventStoreContract(name: string, factory: EventStoreFactory): void {
  describe(`EventStore contract: ${name}`, () => {
    let fixture: EventStoreFixture | undefined;
    const current = (): EventStore => {
      if (!fixture) throw new Error('no store: the factory has not run');
      return fixture.store;
    };
    beforeEach(async () => {
      fixture = await factory();
    });
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });

    appendContract(current);
    readsContract(current);
    subscriptionContract(current);
    handleCommandContract(current);
  });
}
