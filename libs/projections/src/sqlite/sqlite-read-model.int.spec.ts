import { describeReadModelContract } from '../testing/read-model.contract';
import { sqliteReadModels } from '../testing/sqlite-read-model.factory';

describeReadModelContract('sqlite', sqliteReadModels());
