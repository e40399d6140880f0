import { instanceToPlain, plainToInstance } from 'class-transformer';
import type { ZodType } from 'zod';

/** A class revived with class-transformer (methods, `@Type(() => Date)` fields). */
export type ModelClass<T> = new (...args: never[]) => T;

/** How cached values are checked: a zod schema, or a class revived by class-transformer. */
export type Model<T> = ZodType<T> | ModelClass<T>;

/** A model turned into the two steps the codec needs. Both throw when the value is rejected. */
export interface ModelAdapter<T> {
  /** Before writing: validate (zod) or flatten to plain data (class). */
  toStored(value: T): unknown;
  /** After reading parsed JSON: validate (zod) or revive as an instance (class). */
  fromStored(data: unknown): T;
}

export function isZodSchema<T>(model: Model<T>): model is ZodType<T> {
  return typeof (model as { safeParse?: unknown }).safeParse === 'function';
}

export function modelAdapter<T>(model: Model<T> | undefined): ModelAdapter<T> | undefined {
  if (model === undefined) return undefined;
  if (isZodSchema(model)) {
    return {
      // Store the caller's value as given; the schema's output (transforms) is produced on read.
      toStored: (value) => (model.parse(value), value),
      fromStored: (data) => model.parse(data),
    };
  }
  if (typeof model !== 'function') throw new TypeError('model must be a zod schema or a class');
  const cls = model as new () => T & object;
  return {
    toStored: (value) => instanceToPlain(value),
    fromStored: (data) => {
      if (typeof data !== 'object' || data === null || Array.isArray(data)) {
        throw new TypeError(`expected an object to revive as ${cls.name}, got ${Array.isArray(data) ? 'an array' : typeof data}`);
      }
      return plainToInstance(cls, data);
    },
  };
}
