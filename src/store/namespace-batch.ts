import { randomUUID } from 'node:crypto';
import { FAILED, type Failed } from '../client/command-runner.js';
import type { RedisClient } from '../client/redis-client.js';
import { ReplicaAcks } from '../client/replica-acks.js';
import { DEFAULTS } from '../core/defaults.js';
import { EVICT_MANY, READ_FENCES_MANY, STORE_AND_FENCE_MANY, STORE_FENCED_MANY } from './lua-batch-scripts.js';
import { runScript } from './lua-scripts.js';
import type { Fences, NamespaceStore, StoredEntry, WriteMeta } from './namespace-store.js';
import { groupBySlot } from './slot-groups.js';

/** One entry of a batch: its full key and the id it was asked by (for events). */
export interface BatchKey {
  readonly key: string;
  readonly id: unknown;
}

/** A value to store in a batch write. */
export interface BatchWrite<T> extends BatchKey {
  readonly value: T;
  readonly ttlMs: number;
}

/** A load's value, with the fence tokens the load read before it called its loader. */
export interface FencedWrite<T> extends BatchWrite<T> {
  readonly fences: Fences;
}

/** A write encoded for Redis. */
type Encoded<W> = W & { readonly raw: string; readonly px: number };

/**
 * The batch side of one namespace: each operation of `NamespaceStore` over many entries, as one
 * command per slot group (one on a standalone Redis; one per hash tag on a Cluster, sent in
 * parallel). A group that fails is reported once by the runner and answers `FAILED` (or false,
 * or 0) for each of its entries; the other groups are not held up.
 */
export class NamespaceBatch<T> {
  constructor(private readonly store: NamespaceStore<T>) {}

  /** MGET, each entry decoded as `read` does (a corrupt one is reported, removed, and absent). */
  async read(items: readonly BatchKey[]): Promise<(StoredEntry<T> | undefined | Failed)[]> {
    const raws = await this.#perGroup('MGET', items, (c, group) => c.mget(...group.map((item) => item.key)));
    return Promise.all(raws.map((raw, i) => this.store.decode(raw, items[i]!.key, items[i]!.id)));
  }

  /** The fence tokens each entry's load stores against (READ_FENCES), created when missing. */
  readFences(items: readonly BatchKey[]): Promise<(Fences | Failed)[]> {
    const layout = this.store.keys;
    return this.#perGroup('FENCES', items, async (c, group) => {
      const keys = [layout.namespaceFenceOf(group[0]!.key), ...group.map((item) => layout.entryFence(item.key))];
      const reply = await runScript(c, READ_FENCES_MANY, keys, [randomUUID(), DEFAULTS.fenceTtlMs]);
      const [namespace = '', ...entries] = String(reply).split(' ');
      return entries.map((entry): Fences => [entry, namespace]);
    });
  }

  /**
   * Explicit writes (`setMany`): each entry stored and its fence moved (STORE_AND_FENCE), then,
   * with `replicaAcks`, acknowledged by the replicas as an eviction is. @returns per item whether it was stored
   */
  async write(items: readonly BatchWrite<T>[], meta: WriteMeta): Promise<boolean[]> {
    const layout = this.store.keys;
    const acks = ReplicaAcks.of(this.store.runner, 'SET', { namespace: this.store.namespace });
    const stored = await this.#store(items, meta, async (c, group) => {
      const keys = group.flatMap((write) => [write.key, layout.entryFence(write.key)]);
      const args = [DEFAULTS.fenceTtlMs, randomUUID(), ...group.flatMap((write) => [write.raw, write.px])];
      await runScript(c, STORE_AND_FENCE_MANY, keys, args);
      acks?.wrote(c, group[0]!.key);
      return group.map(() => true);
    });
    await acks?.confirm();
    return stored;
  }

  /** A load's writes: each stored only if its fences still hold the tokens it read (STORE_FENCED). @returns per item whether it was stored */
  writeFenced(items: readonly FencedWrite<T>[], meta: WriteMeta): Promise<boolean[]> {
    const layout = this.store.keys;
    return this.#store(items, meta, async (c, group) => {
      const keys = [
        layout.namespaceFenceOf(group[0]!.key),
        ...group.flatMap((write) => [write.key, layout.entryFence(write.key)]),
      ];
      const args = group.flatMap((write) => [write.raw, write.px, write.fences[0], write.fences[1]]);
      return digits(await runScript(c, STORE_FENCED_MANY, keys, args), group.length);
    });
  }

  /**
   * Remove entries and move their fences (EVICT_ENTRY), then, with `replicaAcks`, wait for the
   * replicas (one WAIT per connection written on); each id is announced as evicted. @returns entries removed
   */
  async evict(items: readonly BatchKey[]): Promise<number> {
    const start = performance.now();
    const layout = this.store.keys;
    const acks = ReplicaAcks.of(this.store.runner, 'DEL', { namespace: this.store.namespace });
    const removed = await this.#perGroup('DEL', items, async (c, group) => {
      const keys = group.flatMap((item) => [item.key, layout.entryFence(item.key)]);
      const reply = await runScript(c, EVICT_MANY, keys, [randomUUID(), DEFAULTS.fenceTtlMs]);
      acks?.wrote(c, group[0]!.key);
      return digits(reply, group.length);
    });
    await acks?.confirm();
    let count = 0;
    removed.forEach((one, i) => {
      if (one === FAILED) return; // reported by the runner; nothing known to be evicted
      count += Number(one);
      this.store.evicted(Number(one), items[i]!.key, items[i]!.id, start);
    });
    return count;
  }

  /** Encode each value (one that can't be is reported and not stored), send them, count and announce what was stored. */
  async #store<W extends BatchWrite<T>>(
    items: readonly W[],
    meta: WriteMeta,
    send: (client: RedisClient, group: Encoded<W>[]) => Promise<boolean[]>,
  ): Promise<boolean[]> {
    const start = performance.now();
    const encoded: Encoded<W>[] = [];
    const positions: number[] = [];
    items.forEach((item, position) => {
      const raw = item.value === undefined ? undefined : this.store.encode(item.key, item.id, item.value, item.ttlMs, meta);
      if (raw === undefined) return;
      encoded.push({ ...item, raw, px: item.ttlMs + meta.graceMs });
      positions.push(position);
    });
    // On the embedded backend the scripts' twins drop an expired key before writing it (EmbeddedRun.setPx).
    const replies = await this.#perGroup('SET', encoded, (c, group) => send(c, group));
    const stored = items.map(() => false);
    replies.forEach((reply, i) => {
      if (reply !== true) return;
      stored[positions[i]!] = true;
      this.store.countSet(encoded[i]!.key, encoded[i]!.id, start);
    });
    return stored;
  }

  /** Run `send` once per slot group, in parallel; its replies (one per item of the group) come back in the order of `items`. */
  async #perGroup<I extends BatchKey, R>(
    operation: string,
    items: readonly I[],
    send: (client: RedisClient, group: I[]) => Promise<R[]>,
  ): Promise<(R | Failed)[]> {
    const results: (R | Failed)[] = new Array(items.length);
    const indexed = items.map((item, index) => ({ item, index }));
    const scope = { namespace: this.store.namespace };
    const groups = groupBySlot(indexed, (entry) => entry.item.key, this.store.runner.clustered);
    await Promise.all(
      groups.map(async (group) => {
        const replies = await this.store.runner.run(operation, scope, (c) =>
          send(
            c,
            group.map((entry) => entry.item),
          ),
        );
        group.forEach((entry, i) => {
          results[entry.index] = replies === FAILED ? FAILED : (replies[i] as R);
        });
      }),
    );
    return results;
  }
}

/** A reply of one digit per entry ('1' yes, '0' no) as booleans. */
function digits(reply: unknown, count: number): boolean[] {
  const text = String(reply);
  return Array.from({ length: count }, (_, i) => text[i] === '1');
}
