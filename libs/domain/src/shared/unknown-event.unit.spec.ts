import { evolve, foldCreditYear } from '../credit-year/credit-year.state';
import { foldUnit } from '../unit/unit.events';
import { UnknownEventTypeError } from './unknown-event';

const at = '2024-06-01T00:00:00.000Z';
const opened = { type: 'PersonYearOpened', data: { personId: 'p1', year: 2024, unitId: 'u1', field: 'general' }, revision: 0, at };

describe('folds refuse an event type this version does not know, rather than decide or show the stream without it', () => {
  it('a person-year: wherever the event lies, before its opening too', () => {
    const later = { type: 'YearArchived', data: {}, revision: 1, at };
    expect(() => foldCreditYear([opened, later])).toThrow(UnknownEventTypeError);
    expect(() => foldCreditYear([{ ...later, revision: 0 }, { ...opened, revision: 1 }])).toThrow('"YearArchived" at revision 0');
    expect(foldCreditYear([opened])?.revision).toBe(0);
  });

  it('evolve, called on its own, refuses one too', () => {
    const state = foldCreditYear([opened]);
    expect(() => evolve(state, { type: 'YearArchived', data: {} } as never, { revision: 1, at, position: null })).toThrow(UnknownEventTypeError);
  });

  it('a unit', () => {
    const put = { type: 'UnitPut', data: { unitId: 'u1', name: 'U', region: '360102', industry: 'general' } };
    expect(foldUnit([put])?.region).toBe('360102');
    expect(() => foldUnit([put, { type: 'UnitMerged', data: {} }])).toThrow('"UnitMerged" at revision 1');
  });
});
