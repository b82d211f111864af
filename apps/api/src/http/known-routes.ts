/**
 * The routes this server serves, as registered: tells a known path asked with a method it does
 * not take (405 METHOD_NOT_ALLOWED, with Allow) from a path it does not serve at all (404), and a
 * known path with a parameter left empty (`/api/persons//years/2024`: 400, as any other parameter
 * outside its format — the router matches no empty parameter).
 */
export class KnownRoutes {
  private readonly routes: Array<{ pattern: RegExp; orEmpty: RegExp; parameters: string[]; methods: Set<string> }> = [];

  /** Fastify's route: `/api/persons/:personId/years/:year`, one method or several. */
  add(method: string | readonly string[], url: string): void {
    const segments = url.split('/');
    const source = (parameter: string) =>
      segments.map((segment) => (segment.startsWith(':') ? parameter : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
    let route = this.routes.find((r) => r.pattern.source === `^${source('[^/]+')}$`);
    if (route === undefined) {
      const parameters = segments.filter((segment) => segment.startsWith(':')).map((segment) => segment.slice(1));
      route = { pattern: new RegExp(`^${source('[^/]+')}$`), orEmpty: new RegExp(`^${source('([^/]*)')}$`), parameters, methods: new Set() };
      this.routes.push(route);
    }
    for (const m of typeof method === 'string' ? [method] : method) route.methods.add(m.toUpperCase());
  }

  /**
   * The first parameter left empty in a concrete path that a route taking `method` would serve
   * were it given (its query left out); undefined when there is none.
   */
  emptyParameter(method: string, path: string): string | undefined {
    const bare = path.split('?')[0]!;
    for (const route of this.routes) {
      if (!route.methods.has(method.toUpperCase())) continue;
      const values = route.orEmpty.exec(bare)?.slice(1);
      const empty = values?.findIndex((value) => value === '') ?? -1;
      if (empty >= 0) return route.parameters[empty];
    }
    return undefined;
  }

  /** The methods served on a concrete path (its query left out), sorted; none for an unknown path. */
  methodsFor(path: string): string[] {
    const bare = path.split('?')[0]!;
    const methods = new Set<string>();
    for (const route of this.routes) if (route.pattern.test(bare)) for (const m of route.methods) methods.add(m);
    return [...methods].sort();
  }
}
