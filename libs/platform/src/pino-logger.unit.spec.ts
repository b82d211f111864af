import { Writable } from 'node:stream';
import pino from 'pino';
import { PinoLoggerService } from './pino-logger';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, service: new PinoLoggerService(pino({ level: 'trace' }, sink)) };
}

describe('PinoLoggerService: Nest log calls as structured JSON', () => {
  it("an object with a text, as Nest's Logger passes it (`logger.error({ err }, 'text')` with its context)", () => {
    const { lines, service } = capture();
    service.error({ err: { name: 'Error', message: 'connect ECONNREFUSED' } }, 'BullMQ or Redis error', 'jobs');
    expect(lines[0]).toMatchObject({ level: 50, context: 'jobs', msg: 'BullMQ or Redis error', err: { name: 'Error', message: 'connect ECONNREFUSED' } });
  });

  it("Nest's start-up detail (modules loaded, routes mapped) is debug, not info; other contexts' info stays info", () => {
    const { lines, service } = capture();
    service.log('Mapped {/api/health, GET} route', 'RouterExplorer');
    service.log('AppModule dependencies initialized', 'InstanceLoader');
    service.log('HealthController {/api/health}:', 'RoutesResolver');
    service.log('Nest application successfully started', 'NestApplication');
    expect(lines.map((l) => [l.level, l.context])).toEqual([[20, 'RouterExplorer'], [20, 'InstanceLoader'], [20, 'RoutesResolver'], [30, 'NestApplication']]);
  });

  it('a plain message keeps its context; an Error keeps its name and message', () => {
    const { lines, service } = capture();
    service.log('started', 'app');
    service.warn(new RangeError('bad range'), 'app');
    expect(lines[0]).toMatchObject({ level: 30, context: 'app', msg: 'started' });
    expect(lines[1]).toMatchObject({ level: 40, context: 'app', msg: 'bad range', err: { name: 'RangeError', message: 'bad range' } });
  });
});
