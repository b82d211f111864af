/**
 * Generators for the HTTP fuzz suite: values that a field may never take, bodies that hold at
 * least one definite violation, path parameters and query strings that are certainly invalid.
 * JSON bodies are typed loosely on purpose.
 */
import fc from 'fast-check';

export type Body = Record<string, any>;
export type Mutation = (body: Body) => void;

export const ID = /^[A-Za-z0-9_-]{1,64}$/;
const isPlainObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Sets an own, enumerable property, even `__proto__`, so JSON.stringify sends it. */
export function setOwn(body: Body, key: string, value: unknown): void {
  Object.defineProperty(body, key, { value, enumerable: true, writable: true, configurable: true });
}

// ─── Values ──────────────────────────────────────────────────────────────────────────────────

const json = fc.jsonValue({ maxDepth: 3 });
/** Deeply nested garbage: arrays of objects of arrays… */
export const nested = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, json, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), tie('node'), { maxKeys: 3 })),
})).node;

/** Any JSON value that is not a string (wrong type for a string field). */
export const notString = fc.oneof(json, nested).filter((v) => typeof v !== 'string');
/** Any JSON value that is not a number, including number-like strings. */
export const notNumber = fc.oneof(json, nested, fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e3', '10', '0x10', '', ' 1', 'null')).filter((v) => typeof v !== 'number');
/** A value that is not a JSON object. */
export const notObject = fc.oneof(json, nested).filter((v) => !isPlainObject(v));

/** A string certainly outside `[A-Za-z0-9_-]{1,64}`. */
export const badId = fc.oneof(
  fc.constantFrom('', ' ', '..', '.', 'a/b', 'a b', 'a.b', 'ä', '😀', '\u0000', '%', '%2F', 'a?b', 'a#b', '\\', 'a'.repeat(65), 'é'.repeat(3), '<script>'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((s) => !ID.test(s)),
  fc.string({ unit: fc.constantFrom('a', 'Z', '0', '_', '-'), minLength: 65, maxLength: 300 }),
);

/** A year path segment certainly not 2023–2100 written as 4 digits. */
export const badYear = fc.oneof(
  fc.constantFrom('2022', '2101', '0000', '9999', '', ' 2024', '2024 ', '+2024', '02024', '2024.0', '2e3', '0x7E8', 'NaN', 'Infinity', '２０２４', '٢٠٢٤', '..', '-2024', '2024/'),
  fc.integer({ min: -1_000_000, max: 2022 }).map(String),
  fc.integer({ min: 2101, max: 10_000_000 }).map(String),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }).filter((s) => !/^\d{4}$/.test(s) || Number(s) < 2023 || Number(s) > 2100),
);

/** A string longer than `max`. */
export const tooLong = (max: number) => fc.string({ unit: 'grapheme-ascii', minLength: max + 1, maxLength: max + 50 });
/**
 * A 1–max text field gone wrong: empty, too long, not a string, blank, or holding a control
 * character or a bidirectional override (refused in every text field, titles and reasons alike).
 */
export const badText = (max: number) =>
  fc.oneof(fc.constant(''), tooLong(max), notString, fc.constantFrom('   ', ' \u200b ', 'a\u0000b', 'x\u001b[2Jy', 'invoice \u202eFDP.exe', 'a\u2066b'));
/** A printable 1–max string field: as badText, plus line breaks, tabs, surrogates and format characters. */
export const badPrintable = (max: number) =>
  fc.oneof(badText(max), fc.constantFrom('a\u0000b', '\u0007', 'line\nbreak', 'tab\t', '\ud800', 'x\u001b[31m', 'K\u200b1', 'K\u20281'));
/** Not one of `values`. */
export const notOneOf = (values: readonly string[]) =>
  fc.oneof(fc.string({ maxLength: 20 }), notString, fc.constantFrom(...values.map((v) => v.toUpperCase()), ...values.map((v) => ` ${v}`))).filter((v) => !values.includes(v as string));

/** Hours a request may never carry: ≤ 0, > 2000, more than 2 decimals (however tiny), or not a number. */
export const badHours = fc.oneof(
  fc.constantFrom(0, -0.01, -1, 2000.01, 2001, 1e9, 1.234, 0.001, 0.005, 12.345, 1e-9, 1e-7, 3.0000001),
  fc.double({ min: 1e-12, max: 0.004, noNaN: true }),
  fc.integer({ min: 2001, max: 1e9 }),
  fc.integer({ min: -1e9, max: -1 }),
  notNumber,
);
/** Hours as above but ≥ 0 allowed at 0 (finalisation adjustments may be 0). */
export const badAdjustmentHours = badHours.filter((h) => h !== 0);

/** Whole numbers outside [min, max], fractions, or not numbers. */
export const badWhole = (min: number, max: number) =>
  fc.oneof(
    fc.integer({ min: max + 1, max: max + 1_000_000 }),
    fc.integer({ min: min - 1_000_000, max: min - 1 }),
    fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
    notNumber,
  );

/** Not an existing calendar date `YYYY-MM-DD`. */
export const badDate = fc.oneof(
  fc.constantFrom('2024-02-30', '2023-02-29', '2024-13-01', '2024-00-10', '2024-04-31', '2024-5-6', '06/05/2024', '2024-05-06T00:00:00Z', ' 2024-05-06', '2024-05-06 ', '20240506', '+002024-05-06', '2024-W19'),
  fc.string({ unit: 'binary', maxLength: 14 }).filter((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s)),
  notString,
);

const knownKeysFilter = (known: readonly string[]) => (k: string) => !known.includes(k);
/** A key the schema does not know. */
export const unknownKey = (known: readonly string[]) =>
  fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'colour', 'ID', 'Title', ' title', 'status', 'revision', 'actor'), fc.string({ minLength: 1, maxLength: 20 })).filter(knownKeysFilter(known));

// ─── Bodies ──────────────────────────────────────────────────────────────────────────────────

export interface FieldSpec {
  key: string;
  required: boolean;
  /** Values this field may never take (each one alone makes the body invalid). */
  bad: fc.Arbitrary<unknown>;
}

/** One definite violation of a flat schema: a bad value, a missing required field, or an unknown key. */
export function violation(fields: FieldSpec[], extra: Array<fc.Arbitrary<Mutation>> = []): fc.Arbitrary<Mutation> {
  const known = fields.map((f) => f.key);
  const required = fields.filter((f) => f.required);
  const options: Array<fc.Arbitrary<Mutation>> = [
    fc.constantFrom(...fields).chain((f) => f.bad.map((v): Mutation => (b) => setOwn(b, f.key, v))),
    fc.tuple(unknownKey(known), json).map(([k, v]): Mutation => (b) => setOwn(b, k, v)),
    ...extra,
  ];
  if (required.length > 0) options.push(fc.constantFrom(...required).map((f): Mutation => (b) => delete b[f.key]));
  return fc.oneof(...options);
}

/**
 * A valid body with 1–3 definite violations. Every mutation leaves its key invalid and no
 * mutation repairs another's key, so the result is invalid for sure.
 */
export function invalidBody(base: Body, mutation: fc.Arbitrary<Mutation>): fc.Arbitrary<Body> {
  return fc.array(mutation, { minLength: 1, maxLength: 3 }).map((ms) => {
    const body = structuredClone(base);
    for (const m of ms) m(body);
    return body;
  });
}

/** Random JSON that is certainly not a valid body: objects carry an unknown key; top-level null is tested on its own. */
export const garbageBody = fc.oneof(json, nested).filter((v) => v !== null).map((v) => (isPlainObject(v) ? { ...v, 'fuzz-unknown-key': true } : v));

/** Text that is not JSON at all (and not blank, which reads as "no body"). */
export const notJsonText = fc
  .oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }), fc.constantFrom('{', '{"a":', '[1,', "{'a':1}", '{"a":1,}', 'undefined', 'NaN', '{"a":1}}', '\u0000', '<xml/>', 'a=b&c=d'))
  .filter((s) => {
    if (s.trim() === '') return false;
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  });

// ─── Query strings ───────────────────────────────────────────────────────────────────────────

export type Query = Record<string, string | string[]>;

export function queryString(query: Query): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) for (const one of Array.isArray(v) ? v : [v]) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(one)}`);
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** A limit outside 1–1000 written any way. */
export const badLimit = fc.oneof(
  fc.constantFrom('0', '1001', '-1', '1.5', 'abc', '', '1e2', ' 5', '0x10', '10000', '+5', 'Infinity', '5 ', '٥'),
  fc.integer({ min: 1001, max: 1e9 }).map(String),
  fc.integer({ min: -1e9, max: 0 }).map(String),
);
/** A cursor no page handed out. */
export const badCursor = fc.oneof(fc.constant(''), fc.string({ minLength: 513, maxLength: 600 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }), fc.base64String({ minLength: 4, maxLength: 80 }));
/** Not a 6-digit division code. */
export const badRegion = fc.oneof(fc.constantFrom('', '36', '3601', '36010', '3601000', '36a100', ' 360100', '360100 ', '-36010', '３６０１００'), fc.string({ maxLength: 10 }).filter((s) => !/^\d{6}$/.test(s)));
/** Not an ISO-8601 instant with milliseconds and a zone that exists. */
export const badInstant = fc.oneof(
  fc.constantFrom('2024-05-06', '2024-05-06T08:00:00Z', '2024-05-06T08:00:00.000', '2024-05-06 08:00:00.000Z', 'yesterday', '', '2024-13-01T00:00:00.000Z', '2024-05-06T25:00:00.000Z', '1714982400000', '2024-05-06T08:00:00.0000Z', '2024-05-06T08:00Z'),
  fc.string({ unit: 'binary', maxLength: 30 }).filter((s) => !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}:\d{2})$/.test(s)),
);
/** A stream revision that is not a whole number from 0. */
export const badRevision = fc.oneof(fc.constantFrom('-1', '1.5', 'abc', '', '1e2', '0x1', ' 1', '+1', 'Infinity', '9999999999'), fc.string({ maxLength: 8 }).filter((s) => !/^\d+$/.test(s)));
