/**
 * The error answers a suite received, held against /api/docs: each must be listed under its
 * operation, with its status and its code (API.md: what it does not name, document in the
 * OpenAPI description). Keeps the description from drifting from what the server answers.
 */
import type { ErrorAnswer, TestApp } from './test-app';

interface Operation {
  responses?: Record<string, { description?: string; content?: { 'application/json'?: { schema?: { properties?: { error?: { properties?: { code?: { enum?: string[] } } } } } } } }>;
}
type Paths = Record<string, Record<string, Operation>>;

/** `/api/persons/{personId}/years/{year}` → a pattern for concrete paths (query and fragment aside); a parameter left empty (400) is its operation's too. */
const patternOf = (template: string): RegExp => new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]*')}$`);

/** Statuses that any route may answer outside its own description (a body over the limit, an unknown route or method). */
const ANY_ROUTE = new Set([404, 405, 413, 415, 503]);

export async function undocumentedErrors(t: TestApp, answers: readonly ErrorAnswer[] = t.errorAnswers): Promise<string[]> {
  const docs = (await (await fetch(`${t.baseUrl}/api/docs`)).json()) as { paths: Paths };
  const templates = Object.keys(docs.paths).map((template) => ({ template, pattern: patternOf(template) }));
  const missing = new Set<string>();
  for (const { method, path, status, code } of answers) {
    const concrete = path.split('?')[0]!;
    const match = templates.filter((x) => x.pattern.test(concrete)).sort((a, b) => literalLength(b.template) - literalLength(a.template))[0];
    const operation = match === undefined ? undefined : docs.paths[match.template]![method.toLowerCase()];
    if (operation === undefined) {
      if (!ANY_ROUTE.has(status)) missing.add(`${method} ${concrete}: no such operation documented, answered ${status} ${code}`);
      continue;
    }
    const response = operation.responses?.[String(status)];
    if (response === undefined) {
      if (!(ANY_ROUTE.has(status) && (status !== 404 || code === 'NOT_FOUND'))) missing.add(`${method} ${match!.template}: ${status} ${code} is not documented`);
      continue;
    }
    // The code must be among those the answer's schema allows (its enum, drawn from the description).
    const codes = response.content?.['application/json']?.schema?.properties?.error?.properties?.code?.enum ?? [];
    if (code !== undefined && !codes.includes(code)) missing.add(`${method} ${match!.template}: ${status} allows ${JSON.stringify(codes)}, not ${code}`);
  }
  return [...missing].sort();
}

/** A template's fixed characters: `/api/units/{unitId}/pending` beats `/api/units/{unitId}` for its paths. */
const literalLength = (template: string): number => template.replace(/\{[^}]+\}/g, '').length;
