import { z } from 'zod';
import { HttpError } from './http-error';
import { characterCount, isBlank, line, MAX_DETAILS, optionalReason, parseWith, printable, reasonText, text } from './validation';

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

describe('free text holds what it shows: no controls, no bidirectional overrides, not blank', () => {
  const ok = (schema: { safeParse(v: unknown): { success: boolean } }, v: string) => schema.safeParse(v).success;

  it.each([
    ['NUL', 'a\u0000b'],
    ['an ESC sequence', 'a\u001b[2Jb'],
    ['DEL', 'a\u007fb'],
    ['a C1 control', 'a\u0085b'],
    ['a right-to-left override', 'invoice \u202eFDP.exe'],
    ['a bidirectional isolate', 'a\u2066b\u2069'],
    ['tag characters, ASCII no screen shows', 'Course\u{E0069}\u{E0067}\u{E006E}'],
    ['a byte-order mark inside', 'a\uFEFFb'],
    ['a noncharacter', 'a\uFFFFb'],
    ['an Arabic-block noncharacter', 'a\uFDD0b'],
    ['a noncharacter of another plane', 'a\u{1FFFF}b'],
    ['a byte-order mark in front', '\uFEFFCourse'],
    ['tag characters after a flag that is not theirs', '\u{1F3F4}\u{E0067}\u{E0062}x\u{E007F}'],
  ])('a title, a reason, a note refuse %s', (_what, v) => {
    expect([ok(line(200), v), ok(text(500), v), ok(reasonText, v), ok(optionalReason, v)]).toEqual([false, false, false, false]);
  });

  it('a title is one line; a note or a reason may break lines', () => {
    expect(ok(line(200), 'a\nb')).toBe(false);
    expect([ok(line(200), 'a\u2028b'), ok(line(200), 'a\u2029b')]).toEqual([false, false]);
    expect(ok(line(200), '👩🏻‍💻 培训 🇨🇳')).toBe(true);
    // The flags of England and Scotland are a black flag, tag letters and a cancel tag: emoji, not hidden text.
    const england = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}';
    const scotland = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}';
    expect([ok(line(200), `${england} 培训 ${scotland}`), ok(text(500), `a\n${england}`), ok(reasonText, england)]).toEqual([true, true, true]);
    // Marks that only steer the direction of neutral characters stay (Arabic and Hebrew text needs them).
    expect([ok(line(200), 'a\u200Eb'), ok(line(200), '\u05E9\u05DC\u05D5\u05DD\u200F 1')]).toEqual([true, true]);
    expect(ok(line(200), 'a\tb')).toBe(false);
    expect([ok(text(500), 'first\nsecond'), ok(reasonText, 'first\r\nsecond\tthird')]).toEqual([true, true]);
  });

  it('blank is white space and invisible format characters only', () => {
    expect(['   ', '\u200b', ' \u200b\u00a0', '\u3000', '\u3164', '\u2800 ', '\ufe0f', '\u034f'].map(isBlank)).toEqual([true, true, true, true, true, true, true, true]);
    expect(isBlank('👍\ufe0f')).toBe(false);
    expect(isBlank(' 继续教育 ')).toBe(false);
    expect([ok(line(200), '\u200b'), ok(text(500), '   '), ok(reasonText, '\u200b ')]).toEqual([false, false, false]);
  });

  it('a contentKey is printable: no format, control or separator characters, and not blank', () => {
    expect(['course-2024/A 1', '课程·甲', 'K\u{20000}'].map((v) => ok(printable(128), v))).toEqual([true, true, true]);
    expect(['K\u202e1', 'K\u200b1', 'K\u20281', 'K\uE0001', '   ', 'K\u00001'].map((v) => ok(printable(128), v))).toEqual([false, false, false, false, false, false]);
  });

  it('ordinary Chinese and mixed text passes', () => {
    expect(ok(line(200), '专业技术人员继续教育（公需科目）2024 — Part 1')).toBe(true);
    expect(ok(reasonText, '证书系伪造。\n见附件。')).toBe(true);
  });
});

describe('a 400 names at most MAX_DETAILS problems (a body of thousands of unknown keys does not make an answer larger than itself)', () => {
  it(`names the first ${MAX_DETAILS}, and how many more there were`, () => {
    const body = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, 1]));
    let refusal: unknown;
    try {
      parseWith(z.strictObject({ a: z.number().optional() }), body);
    } catch (error: unknown) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(HttpError);
    const { message } = refusal as HttpError;
    expect(message.split('; ')).toHaveLength(MAX_DETAILS + 1);
    expect(message.startsWith('k0: unknown field; k1: unknown field; ')).toBe(true);
    expect(message.endsWith(`; and ${5000 - MAX_DETAILS} more`)).toBe(true);
    expect(message.length).toBeLessThan(1000);
  });

  it('a few problems are all named, with nothing added', () => {
    expect(() => parseWith(z.strictObject({}), { x: 1, y: 2 })).toThrow(/^x: unknown field; y: unknown field$/);
  });
});
