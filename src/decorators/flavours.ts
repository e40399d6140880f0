import { CacheConfigError } from '../errors.js';
import { executeOperations } from './executor.js';
import type { CacheOperation, ClassConfig } from './operations.js';
import { type DecoratedMethod, decoratedMethod, receiverClass, registerConfig, registerMethod } from './registry.js';

/** A decorated method: it must return a Promise. */
export type AsyncMethod<This, Args extends unknown[], R> = (this: This, ...args: Args) => Promise<R>;

/**
 * A method decorator usable in both TypeScript flavours. `A` are the parameters the options'
 * functions expect (the method may take more); `V` the value the model checks (or `null`); `U`
 * what the result functions take. The method's resolved type `R` must fit both.
 */
export interface CacheMethodDecorator<A extends unknown[], V, U = V | null> {
  /** TC39 standard decorators (TypeScript ≥ 5 without `experimentalDecorators`). */
  <This, Args extends [...A, ...unknown[]], R extends (V | null) & U>(
    value: AsyncMethod<This, Args, R>,
    context: ClassMethodDecoratorContext<This, AsyncMethod<This, Args, R>>,
  ): AsyncMethod<This, Args, R>;
  /** Legacy `experimentalDecorators`. */
  <Args extends [...A, ...unknown[]], R extends (V | null) & U>(
    target: object,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<(...args: Args) => Promise<R>>,
  ): TypedPropertyDescriptor<(...args: Args) => Promise<R>>;
}

/** A class decorator usable in both TypeScript flavours. */
export interface CacheClassDecorator {
  <C extends abstract new (...args: never[]) => unknown>(value: C, context: ClassDecoratorContext<C>): void;
  <C extends abstract new (...args: never[]) => unknown>(target: C): void;
}

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;

function isTc39Context(value: unknown): value is DecoratorContext {
  return typeof value === 'object' && value !== null && 'kind' in value;
}

/**
 * The one place that knows both decorator flavours: it unwraps `(value, context)` or
 * `(target, key, descriptor)` and installs a wrapper that hands the call to the executor.
 */
export function methodDecorator<A extends unknown[], V, U>(
  decorator: string,
  describe: (method: string) => CacheOperation,
): CacheMethodDecorator<A, V, U> {
  const apply = (...args: unknown[]): unknown => {
    const [value, context] = args;
    if (isTc39Context(context)) {
      if (context.kind !== 'method' || typeof value !== 'function') throw misuse(decorator, String(context.name));
      return decoratedWrapper(value as AnyMethod, String(context.name), describe);
    }
    const [, propertyKey, descriptor] = args as [object, string | symbol, PropertyDescriptor | undefined];
    if (typeof descriptor?.value !== 'function') throw misuse(decorator, String(propertyKey));
    descriptor.value = decoratedWrapper(descriptor.value as AnyMethod, String(propertyKey), describe);
    return descriptor;
  };
  return apply as CacheMethodDecorator<A, V, U>;
}

export function classDecorator(config: ClassConfig): CacheClassDecorator {
  const apply = (value: unknown): void => {
    if (typeof value !== 'function') throw misuse('@CacheConfig', String(value));
    registerConfig(value, config);
  };
  return apply as CacheClassDecorator;
}

/**
 * Stacked decorators don't nest wrappers: each returns a new wrapper around the original method
 * with its operation added, so one executor runs the whole list (top decorator first).
 */
function decoratedWrapper(current: AnyMethod, name: string, describe: (method: string) => CacheOperation): AnyMethod {
  const stacked: DecoratedMethod | undefined = decoratedMethod(current);
  const original = (stacked?.original ?? current) as AnyMethod;
  const operations = Object.freeze([Object.freeze(describe(name)), ...(stacked?.operations ?? [])]);
  // Not async: executeOperations already returns a promise, and an extra frame costs on every hit.
  const decorated = function (this: unknown, ...args: unknown[]): Promise<unknown> {
    try {
      // The runtime class decides: a subclass inheriting the method caches under its own namespace.
      const owner = receiverClass(this);
      return executeOperations(operations, { args, invoke: async () => original.apply(this, args), owner });
    } catch (error) {
      return Promise.reject(error); // a throwing key function rejects, as an async method would
    }
  };
  carryOver(current, decorated);
  registerMethod(decorated, { original, name, operations });
  return decorated;
}

/** reflect-metadata's functions, when the app loaded it (Nest does); ts-rc never loads it itself. */
interface MetadataReflect {
  getOwnMetadataKeys(target: object): unknown[];
  getOwnMetadata(key: unknown, target: object): unknown;
  defineMetadata(key: unknown, value: unknown, target: object): void;
}

function metadataReflect(): MetadataReflect | undefined {
  const api = Reflect as Partial<MetadataReflect>;
  const present = [api.getOwnMetadataKeys, api.getOwnMetadata, api.defineMetadata].every((f) => typeof f === 'function');
  return present ? (api as MetadataReflect) : undefined;
}

/**
 * The wrapper stands in for the method, so it takes over what decorators applied before ours put
 * on the method function: its own properties (`name`, `length`, …) and its reflect-metadata (Nest's
 * route and guard metadata). Metadata on target + key (`design:*`) is untouched by the swap.
 * Runs once per decoration, never per call.
 */
function carryOver(from: AnyMethod, to: AnyMethod): void {
  for (const key of Reflect.ownKeys(from)) {
    if (key !== 'prototype') Object.defineProperty(to, key, Object.getOwnPropertyDescriptor(from, key)!);
  }
  const api = metadataReflect();
  for (const key of api?.getOwnMetadataKeys(from) ?? []) api!.defineMetadata(key, api!.getOwnMetadata(key, from), to);
}

function misuse(decorator: string, name: string): CacheConfigError {
  return new CacheConfigError(`use of ${decorator}`, [
    { path: name, message: `${decorator} decorates methods that return a Promise` },
  ]);
}
