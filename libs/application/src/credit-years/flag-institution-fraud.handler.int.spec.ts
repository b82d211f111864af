import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unitStream } from '@jx/domain';
import { openSqliteEventStore, type SqliteEventStore } from '@jx/event-store';
import { InProcessJobQueue } from '@jx/jobs';
import { FlagInstitutionFraud, FlagInstitutionFraudHandler, INSTITUTION_FRAUD_FLAG_JOB, type InstitutionFraudFlagJob } from './flag-institution-fraud.handler';

const meta = { actor: { sub: 'hr-1', role: 'authority' as const, region: '360000' }, correlationId: 'c-1', causationId: null };
const recorded = { actor: { id: 'hr-1', role: 'authority' }, correlationId: 'c-0', causationId: null, ruleSetId: 'jx-2023-trial', at: '2024-06-01T02:00:00.000Z' };

let dir: string;
let store: SqliteEventStore;
let jobs: InProcessJobQueue;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jx-iflag-'));
  store = openSqliteEventStore({ file: join(dir, 'events.sqlite') });
  jobs = new InProcessJobQueue();
});
afterEach(async () => {
  await jobs.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('Art. 14: a posted institution flag keeps, with its job, the store\'s last position then — the registrations it reaches', async () => {
  for (const unitId of ['u1', 'u2']) {
    await store.append(unitStream(unitId), [{ type: 'UnitPut', data: { unitId, name: unitId, region: '360102', industry: 'general' }, metadata: recorded }], -1);
  }
  const seen: InstitutionFraudFlagJob[] = [];
  jobs.registerProcessor<InstitutionFraudFlagJob>(INSTITUTION_FRAUD_FLAG_JOB, async (job) => void seen.push(job.data));
  await new FlagInstitutionFraudHandler(jobs, store).execute(new FlagInstitutionFraud({ institutionId: 'inst1', year: 2024, reason: 'forged', courses: null }, meta));
  await jobs.whenIdle();
  expect(seen).toEqual([expect.objectContaining({ institutionId: 'inst1', registeredUpTo: await store.headPosition() })]);
  expect(seen[0]!.registeredUpTo).toBe(2);
});
