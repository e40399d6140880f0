import type { instanceToPlain, plainToInstance } from 'class-transformer';
import { type ZodType, z } from 'zod';
import { CacheConfigError } from '../errors.js';
import { loadPeer, missingPeer } from './optional-peer.js';
import type { StandardSchemaV1 } from './standard-schema.js';
import { surveySchema } from './survey-schema.js';

/** The instance type a class model revives for a value of type `T`: `T` itself, or its array's element. */
export type Revived<T> = T extends readonly (infer E)[] ? E : T;

/**
 * A class revived with class-transformer (methods, `@Type(() => Date)` fields). It models one
 * instance or an array of them: `User` is a model of `User` and of `User[]`.
 */
export type ModelClass<T> = new (...args: never[]) => Revived<T>;

/**
 * How cached values are checked: a Standard Schema whose output is `T` (zod 4 gets codecs and a
 * JSON-safety check; zod 3.24+, valibot, arktype… are validated on write and read), or a class
 * revived by class-transformer.
 */
export type Model<T> = StandardSchemaV1<unknown, T> | ModelClass<T>;

/** A model turned into the two steps the codec needs. Both throw when the value is rejected. */
export interface ModelAdapter<T> {
  /** Before writing: validate or encode (a schema), or flatten to plain data (a class). */
  toStored(value: T): unknown;
  /** After reading parsed JSON: validate or decode (a schema), or revive as instances (a class). */
  fromStored(data: unknown): T;
}

/** A zod 4 schema, whose internals (`_zod`) tell codecs and JSON-unsafe types apart. */
function isZod4(model: unknown): model is ZodType {
  return typeof model === 'object' && model !== null && '_zod' in model;
}

/** Any Standard Schema v1: an object, or a function (arktype's types are callable). */
function isStandardSchema(model: unknown): model is StandardSchemaV1 {
  if ((typeof model !== 'object' && typeof model !== 'function') || model === null || !('~standard' in model)) return false;
  const props = (model as StandardSchemaV1)['~standard'];
  return props?.version === 1 && typeof props.validate === 'function';
}

const CODEC_EXAMPLE = 'z.codec(z.iso.datetime(), z.date(), { decode: (s) => new Date(s), encode: (d) => d.toISOString() })';

/**
 * Why a `model` option can't be used, or undefined when it can: a class (with class-transformer
 * installed), a Standard Schema, and for zod 4 only a schema whose every accepted value comes
 * back from JSON (see `surveySchema`), so a write it accepts is served on read instead of
 * failing every read and running the factory again.
 */
export function modelProblem(model: unknown): string | undefined {
  if (isZod4(model)) return zodProblem(model);
  if (isStandardSchema(model)) return undefined;
  if (typeof model === 'function') return classTransformer() ? undefined : CLASS_MODEL_MISSING;
  if (typeof model === 'object' && model !== null && 'safeParse' in model) {
    return 'expected a Standard Schema or a class: this zod is older than 3.24, which added Standard Schema support';
  }
  return 'expected a Standard Schema (zod, valibot, arktype…) or a class';
}

function zodProblem(schema: ZodType): string | undefined {
  const { unsafe, codec, oneWay } = surveySchema(schema);
  if (unsafe.length > 0) {
    return (
      `values of this schema don't survive JSON, so every read would miss: ${unsafe.join(', ')}. ` +
      `Give each a JSON form with a codec (encoded on write, decoded on read), e.g. ${CODEC_EXAMPLE}`
    );
  }
  if (codec && oneWay.length > 0) {
    return `mixes a codec with one-way transforms (${oneWay.join(', ')}), which writes can't encode: make them codecs too`;
  }
  return undefined;
}

/**
 * The zod check of a `model` option (`modelProblem`); `allowFalse` also accepts `false` ("no model").
 * @internal zod's types stay out of the published declarations.
 */
export function modelOption({ allowFalse = false } = {}) {
  return z.custom<object | false>((m) => (allowFalse && m === false) || modelProblem(m) === undefined, {
    error: (issue) => modelProblem(issue.input),
  });
}

export function modelAdapter<T>(model: Model<T> | undefined): ModelAdapter<T> | undefined {
  if (model === undefined) return undefined;
  if (isZod4(model)) return zodAdapter(model as ZodType<T>);
  if (isStandardSchema(model)) return standardAdapter(model as StandardSchemaV1<unknown, T>);
  if (typeof model !== 'function') throw new TypeError('model must be a Standard Schema or a class');
  return classAdapter(model as unknown as new () => object);
}

function zodAdapter<T>(schema: ZodType<T>): ModelAdapter<T> {
  return {
    // A codec turns the value into its JSON form. Without one, the caller's value is stored as
    // given once the schema accepts it; the schema's output (transforms, defaults) is produced on read.
    toStored: surveySchema(schema).codec ? (value) => z.encode(schema, value) : (value) => (schema.parse(value), value),
    fromStored: (data) => schema.parse(data),
  };
}

/**
 * Any other Standard Schema: the caller's value is stored as given once it validates, and what
 * is read is validated again (its output, with the library's transforms, is returned). No codecs
 * and no JSON-safety check: a schema accepting a Date misses on every read.
 */
function standardAdapter<T>(schema: StandardSchemaV1<unknown, T>): ModelAdapter<T> {
  const validate = (value: unknown): T => {
    const result = schema['~standard'].validate(value);
    if (typeof (result as { then?: unknown }).then === 'function') {
      Promise.resolve(result).catch(() => {}); // nobody waits for it: don't let it reject unhandled
      throw new TypeError(`${schema['~standard'].vendor} schema validated asynchronously: a model must validate synchronously`);
    }
    const { issues, value: output } = result as StandardSchemaV1.Result<T> & { value?: T };
    if (issues) throw new TypeError(issues.map(describeIssue).join('; '));
    return output as T;
  };
  return { toStored: (value) => (validate(value), value), fromStored: validate };
}

function describeIssue({ message, path }: StandardSchemaV1.Issue): string {
  const at = path?.map((segment) => String(typeof segment === 'object' ? segment.key : segment)).join('.');
  return at ? `${at}: ${message}` : message;
}

/** What class models use of class-transformer, an optional peer loaded when the first class model is checked. */
interface ClassTransformer {
  instanceToPlain: typeof instanceToPlain;
  plainToInstance: typeof plainToInstance;
}

/** Install command named when a class model is used without class-transformer (its `@Type` needs reflect-metadata). */
const CLASS_MODEL_INSTALL = 'npm install class-transformer reflect-metadata';
const CLASS_MODEL_MISSING = missingPeer('a class model', 'class-transformer', CLASS_MODEL_INSTALL);

function classTransformer(): ClassTransformer | undefined {
  return loadPeer<ClassTransformer>('class-transformer');
}

function classAdapter<T>(cls: new () => object): ModelAdapter<T> {
  const transformer = classTransformer();
  if (!transformer) throw new CacheConfigError('model', [{ path: 'model', message: CLASS_MODEL_MISSING }]);
  const { instanceToPlain, plainToInstance } = transformer;
  return {
    toStored: (value) => instanceToPlain(revivable(value, cls)),
    fromStored: (data) => plainToInstance(cls, revivable(data, cls)) as T,
  };
}

/** A class model holds one instance or an array of them; checked both ways, so what is written can be read. */
function revivable<D>(data: D, cls: new () => object): D {
  const items: readonly unknown[] = Array.isArray(data) ? data : [data];
  for (const [i, item] of items.entries()) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      const where = Array.isArray(data) ? ` at [${i}] of the array` : '';
      throw new TypeError(`expected an object or an array of objects to revive as ${cls.name}, got ${kind(item)}${where}`);
    }
  }
  return data;
}

function kind(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
