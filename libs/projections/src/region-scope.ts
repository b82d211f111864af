import { PROVINCE } from '@jx/domain';
/**
 * A region scope as a range of 6-digit division codes, so that "the unit's region is covered"
 * is an indexed range scan. Agrees with regionCovers (RULES.md §1): `360000` covers every unit,
 * `360100` covers `3601xx`, a county code covers itself (another province's `350000`: `35xxxx`).
 */
export function regionRange(scope: string): { from: string; to: string } {
  if (scope === PROVINCE) return { from: '000000', to: '999999' };
  if (scope.endsWith('0000')) return { from: `${scope.slice(0, 2)}0000`, to: `${scope.slice(0, 2)}9999` };
  if (scope.endsWith('00')) return { from: `${scope.slice(0, 4)}00`, to: `${scope.slice(0, 4)}99` };
  return { from: scope, to: scope };
}

/**
 * The city a scope is, as the first four digits of its codes (`3601` for `360100`); null for a
 * county (a whole code) or a province. A city's inbox is read on an index by these digits.
 */
export function cityOf(scope: string): string | null {
  return scope.endsWith('00') && !scope.endsWith('0000') ? scope.slice(0, 4) : null;
}
