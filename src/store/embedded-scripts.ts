import type { RedisClient } from '../client/redis-client.js';

/*
 * The Lua scripts' twins for the embedded backend (ioredis-mock). The mock runs Lua in a fresh
 * fengari VM per call (1.5–4 ms), and every string that comes back out of the VM is built one
 * character at a time: a value or token written by a script is kept as a rope of one heap object
 * per character. A twin does the same work in plain JavaScript.
 *
 * Atomicity. A Lua script is atomic on the mock because the mock runs it synchronously, the
 * moment EVALSHA is called. A twin keeps exactly that: its body is synchronous from the first
 * read to the last write, so no other script, no plain command (FLUSHALL, DEL, a lock's SET NX)
 * and no other manager sharing the keyspace can land between two of its steps: JavaScript runs
 * one function at a time, and a twin never yields until it is done.
 *  - Writes are the mock's own commands (SET PX, DEL, PEXPIRE), the very functions its Lua
 *    `redis.call` runs. The mock executes a command when it is called, not when its promise is
 *    awaited, so a twin issues them in order without awaiting, and awaits the replies at the end.
 *  - Reads can't go through the command API: a reply only comes through a promise, and awaiting
 *    it yields, which would let anything in between a read and the write that depends on it (a
 *    promise chain per keyspace would order scripts, but not a FLUSHALL, a DEL of a fence, or a
 *    lock expiring and taken by someone else in the gap). So reads use the mock's keyspace view
 *    (`client.data`, what its own GET reads), synchronously. A mock without one runs the Lua.
 * spec/store/embedded-scripts.spec.ts checks both: twin against Lua on random inputs, and a
 * command issued right behind a twin (FLUSHALL, SET NX) landing after all of it.
 */

/** ioredis-mock's synchronous keyspace view, as its own GET uses it (`has` also drops an expired key). */
interface MockKeyspace {
  has(key: string): boolean;
  get(key: string): unknown;
}

/** A twin: the script's body, synchronous; it returns the script's reply (or a reply still to come). */
export type EmbeddedTwin = (run: EmbeddedRun, keys: readonly string[], argv: readonly string[]) => unknown;

/** The keyspace view of an ioredis-mock client, when it has one. */
function keyspaceOf(client: RedisClient): MockKeyspace | undefined {
  const data = (client as { data?: Partial<MockKeyspace> }).data;
  return typeof data?.has === 'function' && typeof data.get === 'function' ? (data as MockKeyspace) : undefined;
}

/**
 * Run `twin` on the embedded `client` with the KEYS and ARGV the Lua would get (ARGV as strings,
 * as Redis passes them); resolves once every write it issued has been answered. Undefined when
 * the client has no keyspace view (then the Lua runs).
 */
export function runTwin(
  client: RedisClient,
  twin: EmbeddedTwin,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> | undefined {
  const keyspace = keyspaceOf(client);
  if (keyspace === undefined) return undefined;
  const run = new EmbeddedRun(client, keyspace);
  try {
    return run.settled(twin(run, keys, args.map(String)));
  } catch (error) {
    return run.settled(Promise.reject(error));
  }
}

/** One twin's run: synchronous reads, writes issued as commands in order, replies gathered. */
export class EmbeddedRun {
  readonly #writes: Promise<unknown>[] = [];

  constructor(
    private readonly client: RedisClient,
    private readonly keyspace: MockKeyspace,
  ) {}

  /** GET, as `redis.call('GET', key)` on Redis: the string, or null when absent. */
  get(key: string): string | null {
    if (!this.keyspace.has(key)) return null;
    const value = this.keyspace.get(key);
    if (typeof value === 'string') return value;
    if (Buffer.isBuffer(value)) return value.toString();
    throw new Error('WRONGTYPE Operation against a key holding the wrong kind of value');
  }

  /**
   * SET … PX. Reading the key first drops it if it has expired: the mock would otherwise apply
   * the expired key's old expiry to the new value, which then vanishes at once (Redis doesn't).
   */
  setPx(key: string, value: string, ms: string): Promise<unknown> {
    this.keyspace.has(key);
    return this.#issue(this.client.set(key, flattened(value), 'PX', ms));
  }

  del(key: string): Promise<number> {
    return this.#issue(this.client.del(key));
  }

  pexpire(key: string, ms: string): Promise<number> {
    return this.#issue(this.client.pexpire(key, ms));
  }

  /** The reply, once every write has been answered; the first failing write rejects, as a script error would. */
  settled(reply: unknown): Promise<unknown> {
    return Promise.all([reply, ...this.#writes]).then(([value]) => value);
  }

  #issue<R>(reply: Promise<R>): Promise<R> {
    this.#writes.push(reply);
    return reply;
  }
}

/**
 * `text`, made one piece. The mock keeps the very string a command was given, and a string built
 * by concatenation is a rope: `randomUUID()` (every fence token) is ~20 heap objects, ~470 bytes
 * for 36 characters. Reading a character makes V8 flatten it in place (~70 bytes); a string that
 * is already flat (JSON.stringify's) is left as it is, at no cost.
 */
function flattened(text: string): string {
  text.charCodeAt(0);
  return text;
}

/*
 * The twins, one per script in lua-scripts.ts, step for step (KEYS and ARGV as there). Each is
 * attached to its Lua source there; spec/store/embedded-scripts.spec.ts runs both on random
 * inputs and compares replies and keyspaces.
 */

/** FENCE_TOKEN's `token()`: a fence's token, creating a missing fence (a present one's lifetime refreshed). */
export function fenceToken(run: EmbeddedRun, key: string, tokenIfMissing: string, lifetime: string): string {
  const current = run.get(key);
  if (current !== null) {
    run.pexpire(key, lifetime);
    return current;
  }
  run.setPx(key, tokenIfMissing, lifetime);
  return tokenIfMissing;
}

export const readFencesTwin: EmbeddedTwin = (run, [entryFence, namespaceFence], [fresh, lifetime]) => [
  fenceToken(run, entryFence!, `${fresh}:e`, lifetime!),
  fenceToken(run, namespaceFence!, `${fresh}:n`, lifetime!),
];

export const readEntryOrFencesTwin: EmbeddedTwin = (run, [entry, entryFence, namespaceFence], [fresh, lifetime]) =>
  run.get(entry!) ?? readFencesTwin(run, [entryFence!, namespaceFence!], [fresh!, lifetime!]);

export const storeFencedTwin: EmbeddedTwin = (
  run,
  [entry, entryFence, namespaceFence],
  [value, ttl, entryToken, namespaceToken],
) => {
  if (run.get(entryFence!) !== entryToken || run.get(namespaceFence!) !== namespaceToken) return 0;
  run.setPx(entry!, value!, ttl!);
  return 1;
};

export const storeAndFenceTwin: EmbeddedTwin = (run, [entry, entryFence], [value, ttl, token, lifetime]) => {
  run.setPx(entry!, value!, ttl!);
  run.setPx(entryFence!, token!, lifetime!);
  return 1;
};

export const evictEntryTwin: EmbeddedTwin = (run, [entry, entryFence], [token, lifetime]) => {
  const removed = run.del(entry!);
  run.setPx(entryFence!, token!, lifetime!);
  return removed;
};

export const fenceNamespaceTwin: EmbeddedTwin = (run, [fence], [token, lifetime]) => {
  run.del(fence!);
  return run.setPx(fence!, token!, lifetime!);
};

export const releaseLockTwin: EmbeddedTwin = (run, [lock], [owner]) => {
  if (run.get(lock!) === owner) return run.del(lock!);
  return 0;
};
