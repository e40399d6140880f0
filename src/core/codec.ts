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
  /** @throws CacheSerializationError when the value can't be stored (circular, BigInt, symbol, function, schema, size). */
  encode(envelope: Envelope<T>): string;
  /** @throws CacheDecodeError when the entry is over `maxValueBytes`, corrupt or fails the model. */
  decode(raw: string, key: string): Envelope<T>;
}

export function createCodec<T>(model: ModelAdapter<T> | undefined, maxValueBytes: number): Codec<T> {
  return {
    encode(envelope) {
      const { v, ...meta } = envelope;
      let text: string;
      try {
        text = JSON.stringify({ v: model && v !== null ? model.toStored(v) : v, ...meta });
      } catch (error) {
        throw new CacheSerializationError(`value can't be cached: ${(error as Error).message}`, error);
      }
      // JSON.stringify drops a property it has no form for (a symbol, a function, a toJSON()
      // returning undefined): without `v` the entry would be stored and then fail every read.
      if (!text.startsWith('{"v":')) {
        throw new CacheSerializationError(`value can't be cached: JSON has no form for ${kindOf(v)}`);
      }
      const size = sizeOver(text, maxValueBytes);
      if (size) throw new CacheSerializationError(`value is ${size} bytes, over maxValueBytes (${maxValueBytes})`);
      return text;
    },
    decode(raw, key) {
      // Before parsing: an oversize entry (another writer's) must not cost a parse on every read.
      const size = sizeOver(raw, maxValueBytes);
      if (size) throw new CacheDecodeError(key, `entry is ${size} bytes, over maxValueBytes (${maxValueBytes})`);
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
 * The UTF-8 size of `text` when it is over `max` bytes, else undefined. A UTF-16 unit takes 1 to
 * 3 bytes, so the length alone settles short texts and far too long ones without a scan.
 */
function sizeOver(text: string, max: number): string | undefined {
  if (text.length > max) return `at least ${text.length}`;
  if (text.length * 3 <= max) return undefined;
  const bytes = Buffer.byteLength(text);
  return bytes > max ? String(bytes) : undefined;
}

function kindOf(value: unknown): string {
  return typeof value === 'object' ? 'this object (its toJSON() returns undefined)' : `a ${typeof value}`;
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
