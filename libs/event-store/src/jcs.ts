/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one byte-exact JSON form that the hash chain
 * (API.md, History) is computed over, so that anyone holding the history can recompute it.
 *
 * - object members sorted by their names' UTF-16 code units (JS's default string order);
 * - numbers in ECMAScript Number-to-String form, which `JSON.stringify` produces for finite
 *   numbers (-0 becomes 0, 1e21 becomes "1e+21");
 * - strings escaped as `JSON.stringify` escapes them; a string (value or member name) holding an
 *   unpaired UTF-16 surrogate is refused, as §3.2.2.2 requires (I-JSON, RFC 7493): no verifier
 *   could reproduce its bytes.
 *
 * Only JSON values are accepted. Anything `JSON.stringify` would silently drop or change (NaN,
 * Infinity, undefined/functions in arrays, Dates, class instances, bigint) is refused, because a
 * value hashed in one form and stored in another would break the chain on the next read.
 * Undefined object members are skipped, as `JSON.stringify` skips them when the event is stored.
 */

/** ES2024's String.prototype.isWellFormed (Node ≥ 20), typed here: the compiler's lib is older. */
const wellFormed = (String.prototype as unknown as { isWellFormed: (this: string) => boolean }).isWellFormed;

/** True when the string holds no unpaired UTF-16 surrogate (what I-JSON, RFC 7493, allows). */
export function isWellFormedText(text: string): boolean {
  return wellFormed.call(text);
}

const NOT_WELL_FORMED = 'holds an unpaired UTF-16 surrogate (not I-JSON, RFC 7493)';

export interface CanonicalOptions {
  /**
   * `refuse` (the default: what is hashed from now on) or `escape`: write one as JSON.stringify
   * does (`\ud800`), which is how events stored before such text was refused were hashed, so that
   * a verifier can still recompute them.
   */
  unpairedSurrogates?: 'refuse' | 'escape';
}

export function canonicalJson(value: unknown, options: CanonicalOptions = {}): string {
  const strict = options.unpairedSurrogates !== 'escape';
  try {
    return serialize(value, strict);
  } catch (error: unknown) {
    if (!(error instanceof NotJson)) throw error;
    // The fast pass builds no paths; only a refused value is walked again to name where it is.
    throw new TypeError(`JCS: ${locate(value, '$', strict) ?? '$'} ${error.message}`);
  }
}

class NotJson extends Error {}

function serialize(value: unknown, strict: boolean): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new NotJson(`is not a finite number (${value})`);
      return JSON.stringify(value);
    case 'string':
      if (strict && !isWellFormedText(value)) throw new NotJson(NOT_WELL_FORMED);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + serialize(value[i], strict);
        return `${out}]`;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) throw new NotJson('is not a plain object');
      const record = value as Record<string, unknown>;
      let out = '{';
      let first = true;
      // Default sort compares UTF-16 code units, exactly what RFC 8785 §3.2.3 asks for.
      for (const key of Object.keys(record).sort()) {
        const member = record[key];
        if (member === undefined) continue;
        if (strict && !isWellFormedText(key)) throw new NotJson(`has a member name that ${NOT_WELL_FORMED}`);
        out += `${first ? '' : ','}${JSON.stringify(key)}:${serialize(member, strict)}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      throw new NotJson(`is ${typeof value}, not a JSON value`);
  }
}

/** The path of the first value the fast pass refuses, in the order it visits them. */
function locate(value: unknown, path: string, strict: boolean): string | null {
  if (value === null) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : path;
  if (typeof value === 'boolean') return null;
  if (typeof value === 'string') return !strict || isWellFormedText(value) ? null : path;
  if (typeof value !== 'object') return path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = locate(value[i], `${path}[${i}]`, strict);
      if (found !== null) return found;
    }
    return null;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return path;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record).sort()) {
    if (record[key] === undefined) continue;
    if (strict && !isWellFormedText(key)) return path;
    const found = locate(record[key], `${path}.${key}`, strict);
    if (found !== null) return found;
  }
  return null;
}
