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
  it('knows no methods for a path it does not serve, nor for a parameter spanning segments', () => {
    expect(routes.methodsFor('/api/nowhere')).toEqual([]);
    expect(routes.methodsFor('/api/persons/p1/x/years/2024')).toEqual([]);
    expect(routes.methodsFor('/api/docsX')).toEqual([]);
  });
});
