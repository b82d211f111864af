/**
 * Region codes are 6-digit administrative division codes (RULES.md §1): `360000` covers every unit
 * (the province's scope is the whole system, also a unit registered under a code outside Jiangxi),
 * `360100` covers every code starting `3601`, a county code covers itself. Another province's code
 * (`350000`) covers the codes starting with its two digits.
 */
export const PROVINCE = '360000';

export function regionCovers(scope: string, region: string): boolean {
  if (scope === PROVINCE || scope === region) return true;
  if (scope.endsWith('0000')) return region.startsWith(scope.slice(0, 2));
  if (scope.endsWith('00')) return region.startsWith(scope.slice(0, 4));
  return false;
}
