/**
 * A job's progress, written only while the lock holds the attempt's token — checked and written in
 * one script. BullMQ's updateProgress checks no lock, and ioredis sends a command queued while
 * Redis was away once it is back, when another attempt may hold the job (or have completed it).
 * It writes what BullMQ 6's updateProgress writes (the job hash's `progress`, and a `progress`
 * event on the queue's event stream, capped as BullMQ caps it), so getJob and QueueEvents see the
 * same; the int tests read both back through BullMQ.
 */
import type { Worker } from 'bullmq';

const PROGRESS_IF_HELD = `
if redis.call("GET", KEYS[2]) ~= ARGV[1] then return 0 end
if redis.call("EXISTS", KEYS[1]) == 0 then return -1 end
local maxEvents = redis.call("HGET", KEYS[4], "opts.maxLenEvents")
if not maxEvents then
  maxEvents = 10000
  redis.call("HSET", KEYS[4], "opts.maxLenEvents", maxEvents)
end
redis.call("HSET", KEYS[1], "progress", ARGV[3])
redis.call("XADD", KEYS[3], "MAXLEN", "~", maxEvents, "*", "event", "progress", "jobId", ARGV[2], "data", ARGV[3])
return 1
`;

const COMMAND = 'jxProgressIfHeld';
/** Clients the script is defined on (defined once per client, run by its SHA after the first call). */
const defined = new WeakSet<object>();

/** 1 written; 0 the lock does not hold `token`; -1 no such job. */
export async function progressIfHeld(worker: Worker, jobId: string, token: string, progress: unknown): Promise<number> {
  const client = await worker.getBackend().client;
  if (!defined.has(client)) {
    client.defineCommand(COMMAND, { numberOfKeys: 4, lua: PROGRESS_IF_HELD });
    defined.add(client);
  }
  const jobKey = worker.toKey(jobId);
  const keys = [jobKey, `${jobKey}:lock`, worker.keys['events']!, worker.keys['meta']!];
  return Number(await client.runCommand(COMMAND, [...keys, token, jobId, JSON.stringify(progress)]));
}
