import { CacheDecodeError, CacheSerializationError } from '../errors.js';
import type { ModelAdapter } from './model.js';

/**
 * What is stored under a key. An envelope, so a cached `null` is not a miss and metadata can
 * travel with the value: `e` the logical expiry (epoch ms) when a grace period keeps the entry
 * longer, `d` how long the factory took (ms), which early refresh uses.
 */
export interface Envelope<T> {
  v: T;
  e?: number;
  d?: number | undefined;
}

/** Turns values into stored text and back, applying the model. Built once per service. */
export interface Codec<T> {
  /** @throws CacheSerializationError when the value can't be stored (circular, BigInt, schema). */
  encode(envelope: Envelope<T>): string;
  /** @throws CacheDecodeError when the entry is corrupt or fails the model. */
  decode(raw: string, key: string): Envelope<T>;
}

export function createCodec<T>(model: ModelAdapter<T> | undefined, maxValueBytes: number): Codec<T> {
  return {
    encode(envelope) {
      let text: string;
      try {
        const stored = model && envelope.v !== null ? { ...envelope, v: model.toStored(envelope.v) } : envelope;
        text = JSON.stringify(stored);
      } catch (error) {
        throw new CacheSerializationError(`value can't be cached: ${(error as Error).message}`, error);
      }
      // Length in UTF-16 units is a cheap lower bound; only measure bytes when it could matter.
      if (text.length * 3 > maxValueBytes && Buffer.byteLength(text) > maxValueBytes) {
        throw new CacheSerializationError(`value is ${Buffer.byteLength(text)} bytes, over maxValueBytes (${maxValueBytes})`);
      }
      return text;
    },
    decode(raw, key) {
      let envelope: Envelope<unknown>;
      try {
        envelope = parseJson(raw) as Envelope<unknown>;
      } catch (error) {
        throw new CacheDecodeError(key, error);
      }
      if (typeof envelope !== 'object' || envelope === null || !('v' in envelope)) {
        throw new CacheDecodeError(key, 'not a ts-rc entry');
      }
      if (model && envelope.v !== null) {
        try {
          envelope.v = model.fromStored(envelope.v);
        } catch (error) {
          throw new CacheDecodeError(key, error);
        }
      }
      return envelope as Envelope<T>;
    },
  };
}

/**
 * JSON.parse that drops `__proto__` keys. Plain JSON.parse only makes them own properties, but a
 * reviving step (class-transformer assigns keys one by one) would turn them into a prototype.
 * The reviver is slow, so it runs only when the text could hold such a key (also `\u`-escaped).
 */
export function parseJson(raw: string): unknown {
  if (!raw.includes('__proto__') && !raw.includes('\\u')) return JSON.parse(raw);
  return JSON.parse(raw, dropProtoKeys);
}

function dropProtoKeys(key: string, value: unknown): unknown {
  return key === '__proto__' ? undefined : value;
}

/** Past its logical expiry (kept only for grace) counts as not fresh. */
export function isFresh(envelope: Envelope<unknown>, now: number): boolean {
  return envelope.e === undefined || now < envelope.e;
}
