/**
 * A history that exercises every read model and every transition they react to, written through
 * the real store. `sync` is called between steps: a live runner then cuts its pages at other
 * places than a rebuild does, which is what the rebuild tests compare.
 */
import type { EventStore } from '@jx/event-store';
import { PersonYearWriter, at, putUnit } from './projection-fixtures';

export async function writeSampleHistory(store: EventStore, sync: () => Promise<void> = async () => undefined): Promise<void> {
  await putUnit(store, { unitId: 'u-a', name: 'Nanchang Works', region: '360102', industry: 'general' }, at(0));
  await putUnit(store, { unitId: 'u-b', name: 'Jiujiang Hospital', region: '360402', industry: 'health' }, at(0));
  const y = (personId: string, year = 2024) => new PersonYearWriter(store, personId, year);

  const p1 = y('p1');
  await p1.open('u-a', at(1));
  await p1.declare('a1', at(2));
  await p1.declare('a2', at(2));
  await sync();
  await p1.registerEnough(at(3), 'inst-A');
  await p1.verify('a1', 5, at(4), 'course-1');
  await p1.withdraw('a2', at(4));
  await p1.confirm(at(5));
  await sync();

  const p2 = y('p2');
  await p2.open('u-b', at(1), 'health');
  await p2.declare('b1', at(6));
  await p2.flag('f1', at(7));
  await p1.finalize(at(8), [{ activityId: 'a1', hours: 0 }]);
  await sync();
  await putUnit(store, { unitId: 'u-b', name: 'Jiujiang Hospital', region: '360403', industry: 'health' }, at(9));
  await p2.rescind('f1', at(10));
  await p2.reject('b1', at(11));
  await p2.declare('b2', at(11), { subject: 'public', hours: 30 });
  await sync();

  const p3 = y('p3', 2025);
  await p3.open('u-a', at(12));
  await p3.register('c1', at(12), { institutionId: 'inst-B', contentKey: 'course-2' });
  await p3.setField('accounting', at(13));
  await p3.confirm(at(14));
  await p3.reopen('c2', at(15));
  await p3.declare('c2', at(15));
  await p3.recordPromotionDelay(at(16));
  await sync();
  await p1.flag('f2', at(17), 'inst-A');
}
