import fc from 'fast-check';
import { namesMediaType } from './json-body';

/**
 * Fastify's own reading of a Content-Type header (an internal module: if a Fastify upgrade moves
 * or changes it, this test says so, and namesMediaType must follow).
 */
const { from } = require('fastify/lib/content-type.js') as { from(header: string): { isValid: boolean } };

describe('namesMediaType: a Content-Type Fastify would answer 415 to, before authentication', () => {
  it.each([
    ['application/json', true], ['application/json; charset=utf-8', true], [' text/plain ', true], ['a/b;;;', true],
    ['', false], [';', false], ['undefined', false], ['application/json, text/plain', false], ['json', false],
    ['application/', false], ['/json', false], ['appli cation/json', false], ['application/json/x', false],
  ])('%j → %s, as Fastify reads it', (header, names) => {
    expect(namesMediaType(header)).toBe(names);
    expect(from(header).isValid).toBe(names);
  });

  it('agrees with Fastify on any header made of media-type characters', () => {
    const char = fc.constantFrom(...'aZ09/;=, \t"-+.*!#$%&\'^_`|~()<>@:\\[]?{}é');
    fc.assert(
      fc.property(fc.array(char, { maxLength: 24 }).map((c) => c.join('')), (header) => {
        expect(namesMediaType(header)).toBe(from(header).isValid);
      }),
      { numRuns: 20_000 },
    );
  });
});
