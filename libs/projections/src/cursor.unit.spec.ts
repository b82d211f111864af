import { decodeCursor, encodeCursor } from './cursor';
import { InvalidCursorError } from './read-model.port';

describe('page cursors', () => {
  it('give back the sort key they were made from', () => {
    const cursor = encodeCursor('unit-pending', ['2024-06-01T00:05:00.000Z', 42]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor('unit-pending', cursor, ['instant', 'position'])).toEqual(['2024-06-01T00:05:00.000Z', 42]);
    const authority = encodeCursor('authority-pending', ['2024-06-01T00:05:00.000Z', 'p_1-x', 2024]);
    expect(decodeCursor('authority-pending', authority, ['instant', 'id', 'year'])).toEqual(['2024-06-01T00:05:00.000Z', 'p_1-x', 2024]);
  });

  it.each([
    ['garbage', 'not a cursor'],
    ['another list', encodeCursor('authority-pending', ['2024-06-01T00:05:00.000Z', 42])],
    ['a wrong part type', encodeCursor('unit-pending', ['2024-06-01T00:05:00.000Z', '42'])],
    ['a missing part', encodeCursor('unit-pending', ['2024-06-01T00:05:00.000Z'])],
    ['JSON that is no array', Buffer.from('{"a":1}').toString('base64url')],
    ['a time that is no recorded time', encodeCursor('unit-pending', ['not-a-date', 1])],
    ['a time in another form', encodeCursor('unit-pending', ['2024-06-01T08:05:00+08:00', 1])],
    ['a time that does not exist', encodeCursor('unit-pending', ['2024-02-30T00:00:00.000Z', 1])],
    ['a position below 1', encodeCursor('unit-pending', ['2024-06-01T00:05:00.000Z', -1])],
    ['a fractional position', encodeCursor('unit-pending', ['2024-06-01T00:05:00.000Z', 1.5])],
    ['a position beyond 2^53', encodeCursor('unit-pending', ['2024-06-01T00:05:00.000Z', 2 ** 60])],
  ])('are refused when they hold %s', (_what, cursor) => {
    expect(() => decodeCursor('unit-pending', cursor, ['instant', 'position'])).toThrow(InvalidCursorError);
  });

  it.each([
    ['a person id no path takes', ['2024-06-01T00:05:00.000Z', 'p 1', 2024]],
    ['a year outside 2023–2100', ['2024-06-01T00:05:00.000Z', 'p1', 2022]],
    ['a fractional year', ['2024-06-01T00:05:00.000Z', 'p1', 2024.5]],
  ])('authority cursors are refused when they hold %s', (_what, key) => {
    expect(() => decodeCursor('authority-pending', encodeCursor('authority-pending', key as Array<string | number>), ['instant', 'id', 'year'])).toThrow(InvalidCursorError);
  });
});
