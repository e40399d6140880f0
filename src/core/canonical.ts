import { createHash } from 'node:crypto';

/**
 * A canonical text for a JSON-like value: object keys sorted at every depth, array order and
 * JSON types kept (`1` and `'1'` differ), `toJSON` honoured. BigInt is written as `123n`, which
 * no JSON value can produce, so it never collides with a string. Circular input throws.
 */
export function canonicalize(value: unknown): string {
  return write(value, new Set());
}

/** A short, stable hash of `canonicalize(value)` (SHA-256, base64url, 128 bits). */
export function stableHash(value: unknown): string {
  return hashText(canonicalize(value));
}

/** SHA-256 of a string, base64url, truncated to 128 bits: short enough for keys, no collisions in practice. */
export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

function write(value: unknown, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'bigint':
      return `${value}n`;
    case 'object':
      return writeObject(value, seen);
    default:
      return 'null'; // undefined, function, symbol: as JSON.stringify does inside arrays
  }
}

function writeObject(value: object, seen: Set<object>): string {
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return write(withToJson.toJSON(), seen);
  if (seen.has(value)) throw new TypeError('Cannot canonicalize a circular structure');
  seen.add(value);
  let out: string;
  if (Array.isArray(value)) {
    out = `[${value.map((item) => write(item, seen)).join(',')}]`;
  } else {
    const record = value as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const item = record[key];
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      parts.push(`${JSON.stringify(key)}:${write(item, seen)}`);
    }
    out = `{${parts.join(',')}}`;
  }
  seen.delete(value);
  return out;
}
