/**
 * JSON with sorted keys, for comparing and fingerprinting rule sets: equal content compares equal
 * whatever the documents' key order (not RFC 8785: numbers and strings are JSON's own).
 */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
