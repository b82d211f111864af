/**
 * The routes this server serves, as registered: tells a known path asked with a method it does
 * not take (405 METHOD_NOT_ALLOWED, with Allow) from a path it does not serve at all (404).
 */
export class KnownRoutes {
  private readonly routes: Array<{ pattern: RegExp; methods: Set<string> }> = [];

  /** Fastify's route: `/api/persons/:personId/years/:year`, one method or several. */
  add(method: string | readonly string[], url: string): void {
    const source = url
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    let route = this.routes.find((r) => r.pattern.source === `^${source}$`);
    if (route === undefined) {
      route = { pattern: new RegExp(`^${source}$`), methods: new Set() };
      this.routes.push(route);
    }
    for (const m of typeof method === 'string' ? [method] : method) route.methods.add(m.toUpperCase());
  }

  /** The methods served on a concrete path (its query left out), sorted; none for an unknown path. */
  methodsFor(path: string): string[] {
    const bare = path.split('?')[0]!;
    const methods = new Set<string>();
    for (const route of this.routes) if (route.pattern.test(bare)) for (const m of route.methods) methods.add(m);
    return [...methods].sort();
  }
}
