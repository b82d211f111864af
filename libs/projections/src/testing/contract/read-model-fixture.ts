import type { ReadModelStore } from '../../read-model.port';
import type { ReadModelTable } from '../../sqlite/sqlite-read-model.schema';

/** Every row of every table in key order, booleans as 0 and 1 (both adapters' `dump()`). */
export type ReadModelDump = Record<ReadModelTable, unknown[]>;

/** A fresh, empty read-model store of the adapter under test, and what the contract needs around it. */
export interface ReadModelFixture {
  store: ReadModelStore;
  /** The copy in use, or the other copy (a rebuild's, or the one it put out of use). */
  dump(which?: 'in-use' | 'out-of-use'): Promise<ReadModelDump>;
  /** Closes the store and removes whatever it stored (file, schema). */
  cleanup(): Promise<void>;
}

/** Each call opens another store, independent of every other: the rebuild tests open two. */
export type ReadModelFactory = () => Promise<ReadModelFixture>;
