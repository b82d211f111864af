/** Builds the HTTP application (used by main and by the e2e tests, which inject a clock). */
import { NestFactory, Reflector } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '@jx/config';
import { createRootLogger, PinoLoggerService, type InfrastructureOverrides } from '@jx/platform';
import { AppModule } from './app.module';
import { CLOSING_FASTIFY_OPTIONS, installClosingAnswer } from './http/closing-answer';
import { answeredCodes, ErrorFilter, refusedTokens } from './http/error.filter';
import { KnownRoutes } from './http/known-routes';
import { installBodyParsers } from './http/json-body';
import { unroutablePath } from './http/unroutable-path';
import { clientErrorAnswers } from './http/client-error';
import { answerHalfClosedClients } from './http/half-closed-clients';
import { requestTimeouts } from './http/request-timeouts';
import { installPipeliningBound } from './http/pipelining';
import { FRAMING_HTTP_OPTIONS, installRequestFraming } from './http/request-framing';
import { SECURITY_HEADERS } from './http/security-headers';
import { CORRELATION_HEADER, correlationIdOf } from './http/request-context';
import { AuthGuard } from './http/auth.guard';
import { declarePathParameters } from './http/openapi';
import { OPENAPI_DOCUMENT } from './ops/docs.http.controller';

export const BODY_LIMIT = 64 * 1024;

export async function createApp(config: AppConfig, overrides: InfrastructureOverrides = {}): Promise<NestFastifyApplication> {
  const root = createRootLogger(config.LOG_LEVEL);
  // maxParamLength: an over-long id must reach validation (400), not fall out of the router (404).
  // Paths the router cannot read are answered before Nest's guard runs: a guard of their own, on the same secret.
  const guard = new AuthGuard(config.jwtSecret, new Reflector());
  const requestLine = (request: FastifyRequest, status: number, code: string | undefined, ms: number, route: string) => {
    const reason = refusedTokens.get(request);
    if (root.isLevelEnabled('info')) root.info({ reqId: request.id, method: request.method, route, status, ...(code === undefined ? {} : { code }), ...(reason === undefined ? {} : { reason }), ms: Math.round(ms) }, 'request');
  };
  const frameworkErrors = unroutablePath({
    authenticates: (request) => guard.authenticates(request),
    logged: (request, status, code) => requestLine(request, status, code, 0, 'unreadable'),
  });
  // status null: refused without an answer of its own (the connection closed after those already due).
  const unparsed = (status: number | null, code: string) => {
    if (root.isLevelEnabled('info')) root.info({ method: null, route: 'unparsed', status, code, ms: 0 }, 'request');
  };
  // Every route as Nest registers it (at init, below): a known path asked with another method is 405.
  const routes = new KnownRoutes();
  const parserRefusals = clientErrorAnswers(unparsed, { methodsFor: (path) => routes.methodsFor(path) });
  const timeouts = requestTimeouts(config.REQUEST_TIMEOUT_MS);
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT, routerOptions: { maxParamLength: 4096 }, genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => correlationIdOf(request.headers), frameworkErrors, clientErrorHandler: parserRefusals.clientError, ...timeouts, http: { ...timeouts.http, ...FRAMING_HTTP_OPTIONS }, ...CLOSING_FASTIFY_OPTIONS });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, overrides), adapter, {
    logger: new PinoLoggerService(root),
    // Our own parsers (json-body.ts) replace Nest's, so that authentication answers first.
    bodyParser: false,
    // A provider that fails (a store that cannot be opened) rejects here, so main says what failed
    // and exits, instead of Nest aborting the process on its own.
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  answerHalfClosedClients(fastify.server);
  installBodyParsers(fastify);
  fastify.server.on('request', parserRefusals.track);
  fastify.server.on('checkExpectation', parserRefusals.expectationFailed);
  fastify.server.on('connect', parserRefusals.connectRefused);
  // First of the hooks: every answer, the closing 503 included, carries them.
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(SECURITY_HEADERS);
    reply.header(CORRELATION_HEADER, request.id);
    done();
  });
  installRequestFraming(fastify, BODY_LIMIT);
  installPipeliningBound(fastify);
  const graceMs = config.SHUTDOWN_GRACE_MS;
  fastify.server.on('connection', parserRefusals.connection);
  installClosingAnswer(fastify, { ...(graceMs > 0 ? { grace: () => new Promise<void>((resolve) => setTimeout(resolve, graceMs)) } : {}), dropArriving: () => parserRefusals.dropArriving(fastify.server) });
  // One line per request: the route pattern, never the URL (it holds person ids); a failure's error code.
  fastify.addHook('onResponse', async (request, reply) => {
    requestLine(request, reply.statusCode, answeredCodes.get(request), reply.elapsedTime, request.routeOptions.url ?? 'unmatched');
  });
  fastify.addHook('onRoute', (route) => routes.add(route.method, route.url));
  app.useGlobalFilters(new ErrorFilter(routes, (request: FastifyRequest) => guard.authenticates(request)));
  app.enableShutdownHooks();
  const document = declarePathParameters(SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Jiangxi continuing-education hours (赣人社规〔2023〕2号)')
      .setDescription('Event-sourced workflow backend: declarations, verification, final review, fraud flags, statements and reports. Any endpoint may answer 503 SERVICE_UNAVAILABLE (in the error format, connection closed) while the server shuts down: nothing of that request was written, so it can be sent again. A request pipelined behind 8 unanswered ones on its connection is 503 SERVICE_UNAVAILABLE too (after their answers, the connection closed, nothing of it run). A request whose line and headers exceed 16 KiB is 431 HEADERS_TOO_LARGE, one that is not valid HTTP/1.1 is 400 MALFORMED_REQUEST, one that does not arrive whole in time (REQUEST_TIMEOUT_MS, 60 s by default; its headers within 60 s at most) is 408 REQUEST_TIMEOUT, an Expect header other than 100-continue is 417 EXPECTATION_FAILED (in the error format, the connection closed, nothing of that request run or written). Every GET also answers HEAD: the same status and headers, no body. Any endpoint may answer 500 INTERNAL (in the error format; a defect, or a stored event altered outside the store: npm run verify-chain names it), logged with the request\'s reqId. Any path may answer 404 NOT_FOUND (no such route; 401 UNAUTHENTICATED first without a valid token), 405 METHOD_NOT_ALLOWED (a path served with other methods, named in Allow, token or not) and 413 PAYLOAD_TOO_LARGE (a body over 64 KiB, whatever the method). Every request may carry X-Correlation-Id (1–128 characters of [A-Za-z0-9_.:-]; anything else is replaced by a new UUID): every answer carries it back in X-Correlation-Id, each event the request writes records it as its correlation id (as does an institution-wide flag job and the flags it writes), and the server logs it as the request\'s reqId.')
      .setVersion('1')
      // The request and answer schemas are JSON Schema 2020-12 (zod's toJSONSchema: type lists,
      // const, propertyNames, type null): OpenAPI 3.1's dialect, not 3.0's.
      .setOpenAPIVersion('3.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  ));
  app.get<{ current: unknown }>(OPENAPI_DOCUMENT).current = document;
  await app.init();
  await fastify.ready();
  return app;
}
