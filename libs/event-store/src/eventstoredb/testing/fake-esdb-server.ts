/**
 * A FAKE EventStoreDB 24.10 gRPC server, for this machine where no real one can run: the REAL
 * client (@eventstore/db-client, grpc-js) talks to it over HTTP/2, so the adapter's use of the
 * client — calls left open, positions, maxCount, error statuses — is exercised end to end. It
 * answers the three calls the adapter makes, from an in-memory log:
 * - ServerFeatures: version 24.10.0 with BatchAppend, so the client appends as it would there
 *   (or, while `featuresFailing` is set, a failure of that status, or no answer);
 * - Streams/Read: a stream (forwards from the start or a revision, backwards from the end, a
 *   count; StreamNotFound) and $all (forwards from the start or a position, inclusive; backwards
 *   from the end or a position, exclusive; a count). A $all position must be where a record
 *   starts: any other number before the end is refused (InvalidArgument, "Trying to read from an
 *   invalid position.", as the server's source answers an invalid read position; not seen from a
 *   running server), past the end reads nothing;
 * - Streams/BatchAppend: expected revisions (no stream, exists, a revision, any), refused with the
 *   WrongExpectedVersion detail the client turns into WrongExpectedVersionError, except the same
 *   events (by id) appended again under the revision they were first appended under, answered
 *   with success and not written again (the server's idempotent write); while
 *   `notHandled` is set, every append is answered as the server's BatchAppend answers one it does
 *   not handle ("Server Is Busy", "Server Is Not Ready", and from a node that is not the leader
 *   and knows none "No leader info available in response": a status with that message and an
 *   empty detail, Streams.BatchAppend.cs), writing nothing.
 * Each event is a record of its own, commit = prepare = its log position, and system records
 * ($-streams) interleave with the events, as in a real log. What it cannot show: the server's own
 * behaviour (indexing delays, scavenging, clustering, authentication); the real contract run with
 * EVENTSTORE_URL does. Written from the client's protocol files and the server's documented
 * behaviour, and checked against what the client does with it (reads left open, cancelled, ended).
 */
import * as grpc from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import * as features from '@eventstore/db-client/generated/serverfeatures_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import * as pb from '@eventstore/db-client/generated/streams_pb';
import * as shared from '@eventstore/db-client/generated/shared_pb';
import { Code } from '@eventstore/db-client/generated/code_pb';
import * as status from '@eventstore/db-client/generated/status_pb';

interface LogRecord {
  stream: string;
  revision: number;
  id: string;
  type: string;
  data: Uint8Array;
  metadata: Uint8Array;
  position: number;
  length: number;
  created: bigint;
}

/** A server's records, kept to start it again (an outage, then the same server back). */
export type FakeLog = Log;

export interface FakeEventStoreDb {
  /** `esdb://127.0.0.1:<port>?tls=false` */
  url: string;
  port: number;
  log: FakeLog;
  /** While set, the ServerFeatures lookup is answered with this status, or ('silent') not at all. */
  featuresFailing: grpc.status | 'silent' | null;
  /** How many ServerFeatures lookups this server was sent. */
  readonly featuresAsked: number;
  /** While set, appends are not handled, and answered so (see above). */
  notHandled: 'Server Is Busy' | 'Server Is Not Ready' | 'No leader info available in response' | null;
  close(): Promise<void>;
}

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

class Log {
  readonly records: LogRecord[] = [];
  private next = 1024;

  add(stream: string, type: string, data: Uint8Array, metadata: Uint8Array = new Uint8Array(), id: string = randomUUID()): LogRecord {
    const revision = this.records.filter((r) => r.stream === stream).length;
    const length = 120 + stream.length + type.length + data.length + metadata.length;
    // The server's `created`: .NET ticks (100 ns) since 1970-01-01, as the client reads it.
    const record = { stream, revision, id, type, data, metadata, position: this.next, length, created: BigInt(Date.now()) * 10_000n };
    this.next += length;
    this.records.push(record);
    return record;
  }

  system(stream: string, type: string): void {
    this.add(stream, type, Buffer.from('{}'));
  }

  get end(): number {
    return this.next;
  }
}

function readResponse(record: LogRecord): pb.ReadResp {
  const recorded = new pb.ReadResp.ReadEvent.RecordedEvent();
  const id = new shared.UUID();
  id.setString(record.id);
  recorded.setId(id);
  const streamId = new shared.StreamIdentifier();
  streamId.setStreamName(Buffer.from(record.stream));
  recorded.setStreamIdentifier(streamId);
  recorded.setStreamRevision(String(record.revision));
  recorded.setCommitPosition(String(record.position));
  recorded.setPreparePosition(String(record.position));
  recorded.getMetadataMap().set('type', record.type);
  recorded.getMetadataMap().set('content-type', 'application/json');
  recorded.getMetadataMap().set('created', String(record.created));
  recorded.setData(record.data);
  recorded.setCustomMetadata(record.metadata);
  const event = new pb.ReadResp.ReadEvent();
  event.setEvent(recorded);
  event.setCommitPosition(String(record.position));
  const response = new pb.ReadResp();
  response.setEvent(event);
  return response;
}

/** The records a read asks for, a StreamNotFound answer, or a refusal (status UNKNOWN). */
function select(log: Log, options: pb.ReadReq.Options): LogRecord[] | 'not-found' | { refused: string } {
  const backwards = options.getReadDirection() === pb.ReadReq.Options.ReadDirection.BACKWARDS;
  const stream = options.getStream();
  if (stream !== undefined) {
    const name = text(stream.getStreamIdentifier()!.getStreamName_asU8());
    const events = log.records.filter((r) => r.stream === name);
    if (events.length === 0) return 'not-found';
    if (stream.hasRevision()) {
      const from = Number(stream.getRevision());
      return backwards ? events.filter((r) => r.revision <= from).reverse() : events.filter((r) => r.revision >= from);
    }
    if (stream.hasEnd()) return backwards ? events.reverse() : [];
    return backwards ? [] : events;
  }
  const all = options.getAll()!;
  if (all.hasPosition()) {
    const from = Number(all.getPosition()!.getCommitPosition());
    if (from < log.end && !log.records.some((r) => r.position === from)) return { refused: 'Trying to read from an invalid position.' };
    return backwards ? log.records.filter((r) => r.position < from).reverse() : log.records.filter((r) => r.position >= from);
  }
  if (all.hasEnd()) return backwards ? [...log.records].reverse() : [];
  return backwards ? [] : [...log.records];
}

function wrongExpectedVersion(options: pb.BatchAppendReq.Options, current: number): status.Status {
  const wrong = new shared.WrongExpectedVersion();
  if (current === -1) wrong.setCurrentNoStream(new shared.Empty());
  else wrong.setCurrentStreamRevision(String(current));
  if (options.hasNoStream()) wrong.setExpectedNoStream(new shared.Empty());
  else if (options.hasStreamPosition()) wrong.setExpectedStreamPosition(options.getStreamPosition());
  else if (options.hasStreamExists()) wrong.setExpectedStreamExists(new shared.Empty());
  else wrong.setExpectedAny(new shared.Empty());
  const detail = new Any();
  detail.pack(wrong.serializeBinary(), 'event_store.client.WrongExpectedVersion');
  const refusal = new status.Status();
  refusal.setCode(Code.FAILED_PRECONDITION);
  refusal.setMessage('WrongExpectedVersion');
  refusal.setDetails(detail);
  return refusal;
}

function notHandledStatus(message: string): status.Status {
  const detail = new Any();
  detail.pack(new shared.Empty().serializeBinary(), 'google.protobuf.Empty');
  const refusal = new status.Status();
  refusal.setMessage(message);
  refusal.setDetails(detail);
  return refusal;
}

/**
 * The same events (by id) appended again under the revision they were first appended under: the
 * server answers success and writes nothing (its idempotent write); the last of them, or undefined
 * for any other repeat, which conflicts.
 */
function appendedAlready(log: Log, name: string, options: pb.BatchAppendReq.Options, messages: pb.BatchAppendReq.ProposedMessage[]): LogRecord | undefined {
  if (!options.hasNoStream() && !options.hasStreamPosition()) return undefined;
  const after = options.hasNoStream() ? -1 : Number(options.getStreamPosition());
  const records = log.records.filter((r) => r.stream === name && r.revision > after && r.revision <= after + messages.length);
  if (messages.length === 0 || records.length !== messages.length || records.some((r, i) => r.id !== messages[i]!.getId()!.getString())) return undefined;
  return records[records.length - 1];
}

/** Appends one batch (all its messages, under its expected revision) and answers it. */
function appendBatch(log: Log, correlationId: string, options: pb.BatchAppendReq.Options, messages: pb.BatchAppendReq.ProposedMessage[], notHandled: string | null): pb.BatchAppendResp {
  const name = text(options.getStreamIdentifier()!.getStreamName_asU8());
  const current = log.records.filter((r) => r.stream === name).length - 1;
  const expected = options.hasNoStream() ? current === -1 : options.hasStreamExists() ? current >= 0 : options.hasStreamPosition() ? current === Number(options.getStreamPosition()) : true;
  const response = new pb.BatchAppendResp();
  const cid = new shared.UUID();
  cid.setString(correlationId);
  response.setCorrelationId(cid);
  const streamId = new shared.StreamIdentifier();
  streamId.setStreamName(Buffer.from(name));
  response.setStreamIdentifier(streamId);
  if (notHandled !== null) {
    response.setError(notHandledStatus(notHandled));
    return response;
  }
  let last: LogRecord | undefined;
  if (!expected) {
    last = appendedAlready(log, name, options, messages);
    if (last === undefined) {
      response.setError(wrongExpectedVersion(options, current));
      return response;
    }
  } else {
    for (const message of messages) {
      last = log.add(name, message.getMetadataMap().get('type') ?? '', message.getData_asU8(), message.getCustomMetadata_asU8(), message.getId()!.getString());
    }
    // Other writers' records interleave in a real log (statistics, system streams).
    log.system('$stats-127.0.0.1:2113', '$statsCollected');
  }
  const success = new pb.BatchAppendResp.Success();
  if (last !== undefined) {
    success.setCurrentRevision(String(last.revision));
    const position = new shared.AllStreamPosition();
    position.setCommitPosition(String(last.position));
    position.setPreparePosition(String(last.position));
    success.setPosition(position);
  }
  response.setSuccess(success);
  return response;
}

/** Starts a server, on a free port unless told one (`log`: a stopped server's, to start it again with its events). */
export async function startFakeEventStoreDb(options: { port?: number; log?: FakeLog } = {}): Promise<FakeEventStoreDb> {
  const log = options.log ?? new Log();
  if (options.log === undefined) {
    log.system('$epoch-information', '$epoch-information');
    log.system('$settings', '$settings');
  }
  const server = new grpc.Server();
  const settings: Pick<FakeEventStoreDb, 'notHandled' | 'featuresFailing'> & { featuresAsked: number } = { notHandled: null, featuresFailing: null, featuresAsked: 0 };
  server.addService(ServerFeaturesService, {
    getSupportedMethods(_call: grpc.ServerUnaryCall<shared.Empty, features.SupportedMethods>, callback: grpc.sendUnaryData<features.SupportedMethods>) {
      settings.featuresAsked += 1;
      if (settings.featuresFailing === 'silent') return;
      if (settings.featuresFailing !== null) return callback({ code: settings.featuresFailing, details: 'failed as told' });
      const methods = new features.SupportedMethods();
      for (const name of ['read', 'append', 'batchappend', 'delete', 'tombstone']) {
        const method = new features.SupportedMethod();
        method.setServiceName('event_store.client.streams.streams');
        method.setMethodName(name);
        methods.addMethods(method);
      }
      methods.setEventStoreServerVersion('24.10.0');
      callback(null, methods);
    },
  });
  server.addService(StreamsService, {
    read(call: grpc.ServerWritableStream<pb.ReadReq, pb.ReadResp>) {
      const options = call.request.getOptions()!;
      let done = false;
      call.on('cancelled', () => {
        done = true;
      });
      const selected = select(log, options);
      if (selected === 'not-found') {
        const notFound = new pb.ReadResp.StreamNotFound();
        notFound.setStreamIdentifier(options.getStream()!.getStreamIdentifier());
        const response = new pb.ReadResp();
        response.setStreamNotFound(notFound);
        call.write(response);
        call.end();
        return;
      }
      if (!Array.isArray(selected)) {
        call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: selected.refused });
        return;
      }
      const records = selected.slice(0, Number(options.getCount()));
      let next = 0;
      // Written as the client takes them (HTTP/2 flow control): a client that stops reading keeps
      // the call open, as against the real server.
      const pump = (): void => {
        while (!done && next < records.length) {
          if (!call.write(readResponse(records[next++]!))) {
            call.once('drain', pump);
            return;
          }
        }
        if (!done) {
          done = true;
          call.end();
        }
      };
      pump();
    },
    batchAppend(call: grpc.ServerDuplexStream<pb.BatchAppendReq, pb.BatchAppendResp>) {
      const pending = new Map<string, { options: pb.BatchAppendReq.Options; messages: pb.BatchAppendReq.ProposedMessage[] }>();
      call.on('data', (request: pb.BatchAppendReq) => {
        const correlationId = request.getCorrelationId()!.getString();
        const batch = pending.get(correlationId) ?? { options: request.getOptions()!, messages: [] };
        pending.set(correlationId, batch);
        batch.messages.push(...request.getProposedMessagesList());
        if (!request.getIsFinal()) return;
        pending.delete(correlationId);
        call.write(appendBatch(log, correlationId, batch.options, batch.messages, settings.notHandled));
      });
      call.on('end', () => call.end());
    },
    append(_call: grpc.ServerReadableStream<pb.AppendReq, pb.AppendResp>, callback: grpc.sendUnaryData<pb.AppendResp>) {
      callback({ code: grpc.status.UNIMPLEMENTED, details: 'this fake appends through BatchAppend only' });
    },
    delete(_call: grpc.ServerUnaryCall<pb.DeleteReq, pb.DeleteResp>, callback: grpc.sendUnaryData<pb.DeleteResp>) {
      callback({ code: grpc.status.UNIMPLEMENTED, details: 'not used by the adapter' });
    },
    tombstone(_call: grpc.ServerUnaryCall<pb.TombstoneReq, pb.TombstoneResp>, callback: grpc.sendUnaryData<pb.TombstoneResp>) {
      callback({ code: grpc.status.UNIMPLEMENTED, details: 'not used by the adapter' });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    url: `esdb://127.0.0.1:${port}?tls=false`,
    port,
    log,
    get featuresAsked() {
      return settings.featuresAsked;
    },
    get featuresFailing() {
      return settings.featuresFailing;
    },
    set featuresFailing(status) {
      settings.featuresFailing = status;
    },
    get notHandled() {
      return settings.notHandled;
    },
    set notHandled(reason) {
      settings.notHandled = reason;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        // Calls a client left open would hold a graceful shutdown for ever.
        setTimeout(() => server.forceShutdown(), 1000).unref();
      }),
  };
}
