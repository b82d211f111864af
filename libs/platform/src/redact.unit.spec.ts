import { describeError, redact } from './redact';

describe('personal data stays out of logs', () => {
  it('drops person ids from stream names and id phrases, keeps the rest', () => {
    expect(redact('creditYear-zhang_san+2024: read 3 events up to revision 4')).toBe('creditYear-<person>+2024: read 3 events up to revision 4');
    expect(redact('no records for person p-77 in 2024')).toBe('no records for person <id> in 2024');
    // The EventStoreDB guard ledger's names carry the person without a year.
    expect(redact('ledger _jx-guards-creditYear-zhang_san: refusing guarded appends of creditYear-zhang_san')).toBe(
      'ledger _jx-guards-creditYear-<person>: refusing guarded appends of creditYear-<person>',
    );
  });

  it('describes an error by name and redacted message, without its stack', () => {
    expect(describeError(new TypeError('bad creditYear-x1+2025'))).toEqual({ name: 'TypeError', message: 'bad creditYear-<person>+2025' });
  });
});
