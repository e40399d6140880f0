import type { z } from 'zod';
import { CacheConfigError } from '../errors.js';

/** A `CacheConfigError` listing every zod issue as `path: message`. */
export function configError(context: string, error: z.ZodError): CacheConfigError {
  return new CacheConfigError(
    context,
    error.issues.flatMap((issue) =>
      // One entry per unknown key, named in full (`circuitBreaker.threshold`), so it can be found.
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ path: [...issue.path, key].join('.'), message: 'unknown option' }))
        : [{ path: issue.path.join('.'), message: issue.message }],
    ),
  );
}

/** The fields that are set, so spreading over defaults never writes an `undefined`. */
export function definedOnly<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
