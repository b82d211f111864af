import { KnownRoutes } from './known-routes';

describe('KnownRoutes (405 for a known path asked with another method, 404 for an unknown path)', () => {
  const routes = new KnownRoutes();
  routes.add('GET', '/api/persons/:personId/years/:year');
  routes.add(['HEAD'], '/api/persons/:personId/years/:year');
  routes.add('POST', '/api/persons/:personId/years/:year/activities');
  routes.add('GET', '/api/docs');

  it('names the methods served on a concrete path, its query left out', () => {
    expect(routes.methodsFor('/api/persons/p1/years/2024?asOf=x')).toEqual(['GET', 'HEAD']);
    expect(routes.methodsFor('/api/persons/p1/years/2024/activities')).toEqual(['POST']);
  });
  it('names the first parameter left empty in a path a route of that method would serve (the router matches none empty)', () => {
    expect(routes.emptyParameter('GET', '/api/persons//years/2024?asOf=x')).toBe('personId');
    expect(routes.emptyParameter('get', '/api/persons/p1/years/')).toBe('year');
    expect(routes.emptyParameter('POST', '/api/persons//years//activities')).toBe('personId');
    // Not for another method, a full path, an unknown one, or a segment missing rather than empty.
    expect(routes.emptyParameter('DELETE', '/api/persons//years/2024')).toBeUndefined();
    expect(routes.emptyParameter('GET', '/api/persons/p1/years/2024')).toBeUndefined();
    expect(routes.emptyParameter('GET', '/api/nowhere/')).toBeUndefined();
    expect(routes.emptyParameter('GET', '/api/persons/years/2024')).toBeUndefined();
  });
  it('knows no methods for a path it does not serve, nor for a parameter spanning segments', () => {
    expect(routes.methodsFor('/api/nowhere')).toEqual([]);
    expect(routes.methodsFor('/api/persons/p1/x/years/2024')).toEqual([]);
    expect(routes.methodsFor('/api/docsX')).toEqual([]);
  });
});
