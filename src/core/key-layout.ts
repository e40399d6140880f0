import { escapeGlob, type KeyOptions, keyBase } from './keys.js';

/** Hash-tag buckets per namespace on a Redis Cluster: its entries spread over this many slots. */
export const CLUSTER_BUCKETS = 256;

/**
 * Where one namespace's keys live: entries, eviction fences and locks (ts-rc's own keys are under
 * `<prefix>~`, outside every namespace's SCAN pattern).
 *
 * Standalone: `<prefix>:<version>:<ns>:<id>`, fences `<prefix>~:f:<version>:<ns>[:<id>]`.
 * Cluster: what one script touches must share a slot, yet a namespace must not sit on one shard.
 * So each id falls in one of `CLUSTER_BUCKETS` buckets, named by a hash tag after the namespace:
 * `<prefix>:<version>:<ns>:{<ns>:<bucket>}:<id>`, with the entry's fence and its bucket's
 * namespace fence (`<prefix>~:f:<version>:<ns>:{<ns>:<bucket>}`) in the same slot.
 */
export class KeyLayout {
  /** `<prefix>:<version>:<namespace>:`: every entry key starts with it. */
  readonly base: string;
  readonly #fenceBase: string;
  readonly #lockBase: string;
  readonly #namespaceFence: string;
  readonly #namespace: string;
  /** Length of `{<ns>:<bucket>}:` in cluster mode, 0 standalone. */
  readonly #tagLength: number;

  constructor(
    namespace: string,
    options: Omit<KeyOptions, 'params'>,
    readonly clustered: boolean,
  ) {
    this.base = keyBase(namespace, options);
    const [prefix, version] = this.base.split(':', 2) as [string, string];
    this.#fenceBase = `${prefix}~:f:${version}:${namespace}:`;
    this.#lockBase = `${prefix}~:l:${version}:${namespace}:`;
    this.#namespaceFence = `${prefix}~:f:${version}:${namespace}`;
    this.#namespace = namespace;
    this.#tagLength = clustered ? namespace.length + 6 : 0;
  }

  /** The full key of the entry whose identifier part (id, params hash) is `idPart`. */
  entryKey(idPart: string): string {
    return this.clustered ? `${this.base}{${this.#namespace}:${bucketOf(idPart)}}:${idPart}` : this.base + idPart;
  }

  /** The eviction fence of one entry (same slot as the entry). */
  entryFence(key: string): string {
    return this.#fenceBase + key.slice(this.base.length);
  }

  /** The distributed lock of one entry. */
  lockKey(key: string): string {
    return this.#lockBase + key.slice(this.base.length);
  }

  /** The namespace fence a load of `key` stores against: the namespace's, or its bucket's on a Cluster. */
  namespaceFenceOf(key: string): string {
    if (!this.clustered) return this.#namespaceFence;
    return `${this.#namespaceFence}:${key.slice(this.base.length, this.base.length + this.#tagLength - 1)}`;
  }

  /** Every namespace fence: one, or one per bucket on a Cluster. */
  namespaceFences(): string[] {
    if (!this.clustered) return [this.#namespaceFence];
    return Array.from({ length: CLUSTER_BUCKETS }, (_, b) => `${this.#namespaceFence}:{${this.#namespace}:${hex(b)}}`);
  }

  /** The SCAN pattern for the entries whose identifier part matches the glob `pattern`. */
  match(pattern: string): string {
    const tag = this.clustered ? `${escapeGlob(`{${this.#namespace}:`)}??}:` : '';
    return escapeGlob(this.base) + tag + pattern;
  }
}

/** FNV-1a of the identifier part, folded to a bucket: cheap, stable across processes and versions. */
function bucketOf(idPart: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < idPart.length; i++) hash = Math.imul(hash ^ idPart.charCodeAt(i), 0x01000193);
  return hex((hash >>> 0) % CLUSTER_BUCKETS);
}

function hex(bucket: number): string {
  return bucket.toString(16).padStart(2, '0');
}
