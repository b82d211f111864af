import { characterCount, printable, text } from './validation';

describe('bounds count characters as API.md does (code points, not UTF-16 units)', () => {
  const extB = '\u{20000}'; // 𠀀, CJK Extension B: one character, two UTF-16 units

  it('a character outside the BMP counts once; a lone surrogate counts as one', () => {
    expect(characterCount(extB.repeat(150))).toBe(150);
    expect(characterCount('a\uD800b')).toBe(3);
    expect(characterCount('')).toBe(0);
  });

  it('200 such characters fit a title; 201 do not', () => {
    expect(text(200).safeParse(extB.repeat(200)).success).toBe(true);
    expect(text(200).safeParse(extB.repeat(201)).success).toBe(false);
    expect(printable(128).safeParse(extB.repeat(128)).success).toBe(true);
    expect(text(1).safeParse('').success).toBe(false);
  });
});
