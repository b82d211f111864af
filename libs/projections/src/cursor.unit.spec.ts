import { decodeCursor, encodeCursor } from './cursor';
import { InvalidCursorError } from './read-model.port';

describe('page cursors', () => {
  it('give back the sort key they were made from', () => {
    const cursor = encodeCursor('unit-pending', ['2024-06-01T00:05:00.000Z', 42]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor('unit-pending', cursor, ['string', 'number'])).toEqual(['2024-06-01T00:05:00.000Z', 42]);
  });

  it.each([
    ['garbage', 'not a cursor'],
    ['another list', encodeCursor('authority-pending', ['2024-06-01T00:05:00.000Z', 42])],
    ['a wrong part type', encodeCursor('unit-pending', ['2024-06-01T00:05:00.000Z', '42'])],
    ['a missing part', encodeCursor('unit-pending', ['2024-06-01T00:05:00.000Z'])],
    ['JSON that is no array', Buffer.from('{"a":1}').toString('base64url')],
  ])('are refused when they hold %s', (_what, cursor) => {
    expect(() => decodeCursor('unit-pending', cursor, ['string', 'number'])).toThrow(InvalidCursorError);
  });
});
