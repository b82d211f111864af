/**
 * A region scope as a range of 6-digit division codes, so that "the unit's region is covered"
 * is an indexed range scan. Agrees with regionCovers (RULES.md §1): `360000` covers `36xxxx`,
 * `360100` covers `3601xx`, a county code covers itself.
 */
export function regionRange(scope: string): { from: string; to: string } {
  if (scope.endsWith('0000')) return { from: `${scope.slice(0, 2)}0000`, to: `${scope.slice(0, 2)}9999` };
  if (scope.endsWith('00')) return { from: `${scope.slice(0, 4)}00`, to: `${scope.slice(0, 4)}99` };
  return { from: scope, to: scope };
}
