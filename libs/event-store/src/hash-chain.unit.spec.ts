import { createHash } from 'node:crypto';
import type { StoredEvent } from './event-store.port';
import { GENESIS_HASH, chainHash, verifyStreamChain } from './hash-chain';

const actor = { id: 'u-1', role: 'unit' };

/** A correctly chained stream built without any store: the verifier is pure. */
function chainedStream(count: number): StoredEvent[] {
  const events: StoredEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let revision = 0; revision < count; revision += 1) {
    const at = `2024-05-06T08:00:0${revision}.000Z`;
    const data = { n: revision };
    const hash = chainHash(prevHash, { revision, type: 'Counted', at, actor, data });
    events.push({
      id: `e${revision}`,
      streamId: 's',
      revision,
      position: revision + 1,
      type: 'Counted',
      data,
      metadata: { actor, correlationId: 'c', causationId: null, ruleSetId: 'r', at },
      prevHash,
      hash,
    });
    prevHash = hash;
  }
  return events;
}

describe('chainHash', () => {
  it('is sha256(prevHash + JCS({revision, type, at, actor, data})) in lowercase hex', () => {
    // The canonical text is written out by hand so this test does not lean on canonicalJson.
    const canonical =
      '{"actor":{"id":"u-1","role":"unit"},"at":"2024-05-06T08:00:00.000Z",' +
      '"data":{"a":"é","b":[1,0.5]},"revision":0,"type":"ActivityDeclared"}';
    const expected = createHash('sha256').update(GENESIS_HASH + canonical, 'utf8').digest('hex');
    const hash = chainHash(GENESIS_HASH, {
      revision: 0,
      type: 'ActivityDeclared',
      at: '2024-05-06T08:00:00.000Z',
      actor: { role: 'unit', id: 'u-1' },
      data: { b: [1, 0.5], a: 'é' },
    });
    expect(hash).toBe(expected);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('covers only the actor id and role', () => {
    const fields = { revision: 0, type: 'T', at: '2024-01-01T00:00:00.000Z', data: {} };
    const extra = { id: 'u', role: 'unit', name: 'ignored' } as typeof actor;
    expect(chainHash(GENESIS_HASH, { ...fields, actor: extra })).toBe(
      chainHash(GENESIS_HASH, { ...fields, actor: { id: 'u', role: 'unit' } }),
    );
  });

  it('GENESIS_HASH is 64 zeros', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });
});

describe('verifyStreamChain', () => {
  it('accepts an intact stream and the empty stream', () => {
    expect(verifyStreamChain(chainedStream(5))).toEqual({ ok: true });
    expect(verifyStreamChain([])).toEqual({ ok: true });
  });

  it('verifies an event stored before unpaired surrogates were refused, hashed with JSON.stringify\'s escape of them, and still detects it altered', () => {
    const events = chainedStream(2);
    const data = { title: 'lone \ud800 here' };
    const fields = { revision: 1, type: 'Counted', at: events[1]!.metadata.at, actor, data };
    // As the store hashed it then: JCS writing the lone surrogate as the escape \ud800.
    const legacy = createHash('sha256').update(`${events[0]!.hash}{"actor":{"id":"u-1","role":"unit"},"at":"${fields.at}","data":{"title":"lone \\ud800 here"},"revision":1,"type":"Counted"}`, 'utf8').digest('hex');
    expect(() => chainHash(events[0]!.hash, fields)).toThrow(/unpaired UTF-16 surrogate/);
    events[1] = { ...events[1]!, data, hash: legacy };
    expect(verifyStreamChain(events)).toEqual({ ok: true });
    events[1] = { ...events[1]!, data: { title: 'lone \ud801 here' } };
    expect(verifyStreamChain(events)).toMatchObject({ ok: false, revision: 1, reason: 'hash-mismatch' });
  });

  it('names the altered event when its data changed', () => {
    const events = chainedStream(5);
    events[2] = { ...events[2]!, data: { n: 99 } };
    expect(verifyStreamChain(events)).toMatchObject({ ok: false, revision: 2, reason: 'hash-mismatch' });
  });

  it('names the altered event when its actor or time changed', () => {
    const events = chainedStream(3);
    const e1 = events[1]!;
    events[1] = { ...e1, metadata: { ...e1.metadata, at: '2030-01-01T00:00:00.000Z' } };
    expect(verifyStreamChain(events)).toMatchObject({ ok: false, revision: 1, reason: 'hash-mismatch' });
  });

  it('names the first missing revision when an event was removed', () => {
    const events = chainedStream(5);
    events.splice(1, 1);
    expect(verifyStreamChain(events)).toMatchObject({ ok: false, revision: 1, reason: 'revision-gap' });
  });

  it('detects two events swapped', () => {
    const events = chainedStream(4);
    [events[1], events[2]] = [events[2]!, events[1]!];
    expect(verifyStreamChain(events)).toMatchObject({ ok: false, revision: 1, reason: 'revision-gap' });
  });

  it('detects an event re-hashed on a forged predecessor', () => {
    const events = chainedStream(3);
    const e2 = events[2]!;
    const forgedPrev = 'f'.repeat(64);
    const hash = chainHash(forgedPrev, {
      revision: 2, type: e2.type, at: e2.metadata.at, actor, data: e2.data,
    });
    events[2] = { ...e2, prevHash: forgedPrev, hash };
    expect(verifyStreamChain(events)).toMatchObject({ ok: false, revision: 2, reason: 'prev-hash-mismatch' });
  });

  it('refuses a first event that does not start from the genesis hash', () => {
    const events = chainedStream(2);
    events[0] = { ...events[0]!, prevHash: '1'.repeat(64) };
    expect(verifyStreamChain(events)).toMatchObject({ ok: false, revision: 0, reason: 'prev-hash-mismatch' });
  });
});
