/**
 * Region codes are 6-digit administrative division codes (RULES.md §1): `360000` covers the
 * province, `360100` covers every code starting `3601`, a county code covers itself.
 */
export const PROVINCE = '360000';

export function regionCovers(scope: string, region: string): boolean {
  if (scope === region) return true;
  if (scope.endsWith('0000')) return region.startsWith(scope.slice(0, 2));
  if (scope.endsWith('00')) return region.startsWith(scope.slice(0, 4));
  return false;
}
