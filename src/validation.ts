import type { z } from 'zod';
import { CacheConfigError } from './errors.js';

/** A `CacheConfigError` listing every zod issue as `path: message`. */
export function configError(context: string, error: z.ZodError): CacheConfigError {
  return new CacheConfigError(
    context,
    error.issues.map((issue) => ({
      path: issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : ''),
      message: issue.code === 'unrecognized_keys' ? `unknown option${issue.keys.length > 1 ? 's' : ''}` : issue.message,
    })),
  );
}

/** The fields that are set, so spreading over defaults never writes an `undefined`. */
export function definedOnly<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
