/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one byte-exact JSON form that the hash chain
 * (API.md, History) is computed over, so that anyone holding the history can recompute it.
 *
 * - object members sorted by their names' UTF-16 code units (JS's default string order);
 * - numbers in ECMAScript Number-to-String form, which `JSON.stringify` produces for finite
 *   numbers (-0 becomes 0, 1e21 becomes "1e+21");
 * - strings escaped as `JSON.stringify` escapes them.
 *
 * Only JSON values are accepted. Anything `JSON.stringify` would silently drop or change (NaN,
 * Infinity, undefined/functions in arrays, Dates, class instances, bigint) is refused, because a
 * value hashed in one form and stored in another would break the chain on the next read.
 * Undefined object members are skipped, as `JSON.stringify` skips them when the event is stored.
 */

export function canonicalJson(value: unknown): string {
  return serialize(value, '$');
}

function serialize(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`JCS: ${path} is not a finite number (${value})`);
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object':
      if (Array.isArray(value)) {
        return `[${value.map((item, i) => serialize(item, `${path}[${i}]`)).join(',')}]`;
      }
      return serializeObject(value, path);
    default:
      throw new TypeError(`JCS: ${path} is ${typeof value}, not a JSON value`);
  }
}

function serializeObject(value: object, path: string): string {
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError(`JCS: ${path} is not a plain object`);
  }
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  // Default sort compares UTF-16 code units, exactly what RFC 8785 §3.2.3 asks for.
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue;
    members.push(`${JSON.stringify(key)}:${serialize(member, `${path}.${key}`)}`);
  }
  return `{${members.join(',')}}`;
}
