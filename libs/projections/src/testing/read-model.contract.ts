/**
 * The behaviour every ReadModelStore adapter must show (ARCHITECTURE.md: one contract suite, run
 * against every adapter that can run here): the queries with their scopes, order and cursors,
 * the counts, what is kept beside the rows for them, the checkpoint's atomicity, and rebuild equality through the real projection
 * pipeline. Test support; not part of the runtime barrel.
 */
import { authorityPendingContract } from './contract/authority-pending.contract';
import { checkpointContract } from './contract/checkpoint.contract';
import { complianceReportContract } from './contract/compliance-report.contract';
import { institutionHoldersContract } from './contract/institution-holders.contract';
import { personYearRowsContract } from './contract/person-year-rows.contract';
import { promotionDelayContract } from './contract/promotion-delay.contract';
import type { ReadModelDump, ReadModelFactory, ReadModelFixture } from './contract/read-model-fixture';
import { rebuildContract } from './contract/rebuild.contract';
import { unitPendingContract } from './contract/unit-pending.contract';

export type { ReadModelDump, ReadModelFactory, ReadModelFixture };

/** `factory` opens a fresh, empty store on every call, independent of the others. */
export function describeReadModelContract(name: string, factory: ReadModelFactory): void {
  describe(`ReadModelStore contract: ${name}`, () => {
    checkpointContract(factory);
    unitPendingContract(factory);
    authorityPendingContract(factory);
    complianceReportContract(factory);
    personYearRowsContract(factory);
    institutionHoldersContract(factory);
    promotionDelayContract(factory);
    rebuildContract(factory);
  });
}
