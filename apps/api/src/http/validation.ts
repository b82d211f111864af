/**
 * Strict validation (API.md): unknown fields rejected, bounds enforced, a 400 that names the
 * field and the reason. Nothing is written on any 4xx.
 */
import { z, type ZodType } from 'zod';
import { isCalendarDate } from '@jx/domain';
import { RuleSetIdSchema, tryFromHours } from '@jx/rules';
import { HttpError } from './http-error';

/** Bodies the JSON parser could not read arrive as these markers, so auth still answers first. */
export const INVALID_JSON = Symbol('INVALID_JSON');
export const NOT_JSON = Symbol('NOT_JSON');
export const NOT_I_JSON = Symbol('NOT_I_JSON');
export const DUPLICATE_NAMES = Symbol('DUPLICATE_NAMES');
export const NOT_UTF8 = Symbol('NOT_UTF8');
export const ENCODED = Symbol('ENCODED');

export type Detail = { field: string; reason: string };

/**
 * Problems an answer names at most: a 64 KiB body of unknown keys named them all, an answer larger
 * than the request.
 */
export const MAX_DETAILS = 20;

/**
 * A 400 whose message names each field refused and why (`field: reason; …`): the error's only
 * members are those API.md gives it (code, message, article).
 */
export function validationError(all: Detail[], code = 'VALIDATION_FAILED', article?: string): HttpError {
  const named = all.length > MAX_DETAILS ? all.slice(0, MAX_DETAILS) : all;
  const more = all.length - named.length;
  const message = named.map((d) => (d.field ? `${d.field}: ${d.reason}` : d.reason)).join('; ') + (more > 0 ? `; and ${more} more` : '');
  return new HttpError(400, code, message, article);
}

function detailsOf(error: z.ZodError, value: unknown, prefix: string): Detail[] {
  const out: Detail[] = [];
  for (const issue of error.issues) {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ field: path ? `${path}.${key}` : key, reason: 'unknown field' });
    } else if (issue.code === 'invalid_type' && issue.path.length > 0 && valueAt(value, issue.path) === undefined) {
      // Said plainly rather than in the schema library's words ("expected string, received undefined").
      out.push({ field: path, reason: 'is required' });
    } else {
      out.push({ field: path, reason: issue.message });
    }
  }
  return out;
}

export function parseWith<T>(schema: ZodType<T>, value: unknown, prefix = ''): T {
  if (value === INVALID_JSON) throw validationError([{ field: 'body', reason: 'is not valid JSON' }], 'INVALID_JSON');
  if (value === NOT_JSON) throw validationError([{ field: 'body', reason: 'must be application/json' }], 'INVALID_JSON');
  if (value === DUPLICATE_NAMES) throw validationError([{ field: 'body', reason: 'repeats a member name in one object: not I-JSON (RFC 7493), and which value counts would be ambiguous' }], 'INVALID_JSON');
  if (value === NOT_UTF8) throw validationError([{ field: 'body', reason: 'is not UTF-8 (RFC 8259): bytes that are not UTF-8, or another charset declared' }], 'INVALID_JSON');
  if (value === ENCODED) throw validationError([{ field: 'body', reason: 'has a Content-Encoding: send it uncompressed' }], 'INVALID_JSON');
  if (value === NOT_I_JSON) throw validationError([{ field: 'body', reason: 'holds a string with an unpaired UTF-16 surrogate (\\uD800–\\uDFFF alone): not I-JSON (RFC 7493), which the hash chain (RFC 8785) requires' }], 'INVALID_JSON');
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(detailsOf(result.error, value, prefix));
  return result.data;
}

export interface ReasonedBody<T> {
  body: T;
  /** Throws 400 REASON_REQUIRED if a reason was missing: called once every other check of the request passed. */
  requireReasons(): void;
}

/**
 * A body whose `reason`s are required (a flag, a rescission, an adjustment, a make-up): API.md's
 * error order names "a missing reason" among the 400s, with REASON_REQUIRED its code (UnitVerify).
 * A reason missing, empty or blank is set aside for `standIn` and the rest judged as usual: any
 * other fault answers VALIDATION_FAILED naming them all; otherwise the caller's own checks run,
 * then `requireReasons` answers REASON_REQUIRED, so that the code means the reason was the only fault.
 */
export function parseRequiringReasons<T>(schema: ZodType<T>, value: unknown, refusal: { standIn: string; message: string; article: string }): ReasonedBody<T> {
  const first = schema.safeParse(value);
  if (first.success) return { body: first.data, requireReasons: () => undefined };
  const paths = first.error.issues.map((issue) => issue.path).filter((path) => path[path.length - 1] === 'reason' && isNoReason(valueAt(value, path)));
  // One path each, however many of the schema's checks it failed (empty, and so blank too).
  const missing = paths.filter((path, i) => paths.findIndex((p) => p.join('.') === path.join('.')) === i);
  // No reason missing: the schema's answer (or a marker's: JSON that could not be read).
  if (missing.length === 0) parseWith(schema, value);
  const completed = structuredClone(value) as Record<PropertyKey, unknown>;
  for (const path of missing) (valueAt(completed, path.slice(0, -1)) as Record<PropertyKey, unknown>).reason = refusal.standIn;
  const second = schema.safeParse(completed);
  if (!second.success) {
    const all = [...detailsOf(first.error, value, ''), ...detailsOf(second.error, completed, '')];
    throw validationError(all.filter((d, i) => all.findIndex((e) => e.field === d.field && e.reason === d.reason) === i));
  }
  const fields = missing.map((path) => path.map(String).join('.'));
  return {
    body: second.data,
    requireReasons: () => {
      throw new HttpError(400, 'REASON_REQUIRED', `${refusal.message}: ${fields.join(', ')}`, refusal.article);
    },
  };
}

const isNoReason = (given: unknown): boolean => given === undefined || (typeof given === 'string' && isBlank(given));

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const key of path) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

/** Endpoints that take no query parameters: any given is an unknown field (400). */
export const noQuery = z.strictObject({});
/** Endpoints that take no body: nothing, or an empty JSON object. */
export const noBody = z.strictObject({}).optional();

export const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 characters of A–Z, a–z, 0–9, _ or -');
export const yearParam = z
  .string()
  .regex(/^\d{4}$/, 'must be a year from 2023 to 2100')
  .meta({ description: 'a year from 2023 to 2100' })
  .transform(Number)
  .refine((y) => y >= 2023 && y <= 2100, 'must be a year from 2023 to 2100');
export const region = z.string().regex(/^\d{6}$/, 'must be a 6-digit division code');
/** Path parameters whose format is not API.md's id's: what a route validates them with, and says of them. */
export const PATH_PARAMETER_FORMATS: Readonly<Record<string, ZodType>> = { year: yearParam, ruleSetId: RuleSetIdSchema };
/** Characters as API.md counts them: code points, so a CJK Extension-B name is not counted twice. */
export function characterCount(s: string): number {
  let count = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count -= 1;
        i += 1;
      }
    }
  }
  return count;
}
/** A string of at most `max` characters (empty allowed). */
const upTo = (max: number) =>
  z
    .string()
    // UTF-16 length ≥ characters: only a long string needs counting.
    .refine((s) => s.length <= max || characterCount(s) <= max, `must be at most ${max} characters`)
    .meta({ maxLength: max });
/**
 * Characters no free text here may hold: C0 and C1 controls (NUL, ESC sequences that repaint a
 * terminal, DEL), the bidirectional overrides and isolates, which make a title or a reason read
 * differently on screen from what is stored ("Trojan Source"), the tag characters (U+E0000–E007F),
 * which carry ASCII text that no screen shows, a byte-order mark anywhere in the text (U+FEFF),
 * and the noncharacters (U+FDD0–FDEF and the last two code points of every plane), which no text
 * exchanged is meant to hold. Tag characters are taken only as the emoji flags of a subdivision
 * (England, Scotland, Wales: U+1F3F4, tag letters and digits, U+E007F). Multi-line text keeps tab
 * and line breaks.
 */
const NONCHARACTERS = Array.from({ length: 17 }, (_, plane) => {
  const last = (plane << 16) | 0xfffe;
  return `\\u{${last.toString(16)}}-\\u{${(last + 1).toString(16)}}`;
}).join('');
const HIDDEN = `\\u202A-\\u202E\\u2066-\\u2069\\uFEFF\\uFDD0-\\uFDEF${NONCHARACTERS}\\u{E0000}-\\u{E007F}`;
const CONTROL_IN_LINE_RE = new RegExp(`[\\p{Cc}\\u2028\\u2029${HIDDEN}]`, 'u');
const CONTROL_IN_TEXT_RE = new RegExp(`[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F${HIDDEN}]`, 'u');
/** A subdivision flag (U+1F3F4, 1–6 tag letters or digits, cancel tag): its tags are part of an emoji. */
const SUBDIVISION_FLAG = /\u{1F3F4}[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]{1,6}\u{E007F}/gu;
const withoutFlags = (s: string): string => (s.includes('\u{1F3F4}') ? s.replace(SUBDIVISION_FLAG, '\u{1F3F4}') : s);
const CONTROL_IN_LINE = { test: (s: string): boolean => CONTROL_IN_LINE_RE.test(withoutFlags(s)) };
const CONTROL_IN_TEXT = { test: (s: string): boolean => CONTROL_IN_TEXT_RE.test(withoutFlags(s)) };
const NO_CONTROLS = 'must not hold control characters, bidirectional overrides or hidden characters';
/** Whether one-line text holds what CONTROL_IN_LINE names (a token's sub, recorded as the actor). */
export const hasLineControls = (s: string): boolean => CONTROL_IN_LINE.test(s);
/**
 * Blank: nothing but white space and characters that show nothing on their own — format characters,
 * the Hangul fillers, the blank Braille pattern, the combining grapheme joiner and variation
 * selectors (a reason of spaces says nothing).
 */
const INVISIBLE = /[\s\p{Cf}\u115F\u1160\u3164\uFFA0\u2800\u034F\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/gu;
export const isBlank = (s: string): boolean => s.replace(INVISIBLE, '') === '';
const notEmpty = (max: number) => upTo(max).refine((s) => s.length > 0, 'must not be empty').meta({ minLength: 1, maxLength: max });
/** One line that says something (a title, a name): 1–max characters. */
export const line = (max: number) =>
  notEmpty(max)
    .refine((s) => !CONTROL_IN_LINE.test(s), NO_CONTROLS)
    .refine((s) => !isBlank(s), 'must not be blank');
/** Free text that says something, line breaks allowed (a note, a reason): 1–max characters. */
export const text = (max: number) =>
  notEmpty(max)
    .refine((s) => !CONTROL_IN_TEXT.test(s), NO_CONTROLS)
    .refine((s) => !isBlank(s), 'must not be blank');
/** A reason (API.md: 1–500 characters) that says something: a blank one is refused. */
export const reasonText = notEmpty(500)
  .refine((s) => !CONTROL_IN_TEXT.test(s), NO_CONTROLS)
  .refine((s) => !isBlank(s), 'must not be blank: say why');
/**
 * A reason where API.md answers its absence with REASON_REQUIRED (UnitVerify): empty or blank
 * passes the schema, so that the controller can treat it as missing.
 */
export const optionalReason = upTo(500)
  .refine((s) => !CONTROL_IN_TEXT.test(s), NO_CONTROLS)
  .optional();
/**
 * API.md's "printable", for keys that identify content: visible characters and spaces; no control,
 * format (zero-width, bidi), private-use or line-separator characters — two keys that look alike
 * must be alike — and not blank. (Emoji joined by U+200D are refused with the format characters;
 * unassigned code points are not judged, so the answer does not hang on the runtime's Unicode.)
 */
export const printable = (max: number) =>
  notEmpty(max)
    .regex(/^[^\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}]+$/u, 'must be printable characters')
    .refine((s) => !isBlank(s), 'must not be blank');
export const date = z.string().refine(isCalendarDate, 'must be a date YYYY-MM-DD that exists').meta({ format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a calendar date YYYY-MM-DD that exists' });

const INSTANT = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}(Z|[+-](0\d|1[0-4]):[0-5]\d)$/;
/** ISO-8601 with milliseconds and a zone, naming a day that exists (no rolling 02-30 into March). */
export const instant = z.string().refine((v) => {
  const m = INSTANT.exec(v);
  return m !== null && isCalendarDate(m[1]!) && !Number.isNaN(Date.parse(v));
}, 'must be ISO-8601 with milliseconds and a zone, e.g. 2024-05-06T08:00:00.000Z');
export const hours = (max: number) =>
  z
    .number('must be a number')
    .finite()
    .min(0, 'must not be negative')
    .max(max, `must be at most ${max}`)
    .refine((h) => tryFromHours(h) !== undefined, 'must have at most 2 decimals')
    .meta({ description: 'hours, with at most 2 decimals' });
export const evidence = z
  .array(z.strictObject({ name: line(200), sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters') }))
  .max(20, 'at most 20 items');
