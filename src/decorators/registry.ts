import { DEFAULTS } from '../core/defaults.js';
import { type CacheOperation, type ClassConfig, type ClassContext, namespaceOf, ttlOf } from './operations.js';

type AnyFunction = (...args: never[]) => unknown;

/** A method wrapped by ts-rc decorators: the undecorated method and every operation stacked on it. */
export interface DecoratedMethod {
  readonly original: AnyFunction;
  readonly name: string;
  readonly operations: readonly CacheOperation[];
}

// WeakMaps work the same in both decorator flavours (TC39 `context.metadata` needs Symbol.metadata,
// which Node 20 lacks), and keep no class alive.
const methods = new WeakMap<AnyFunction, DecoratedMethod>();
const configs = new WeakMap<object, ClassConfig>();
/** Class contexts by runtime class, so a call finds its class's namespace without walking the prototype chain. */
let contexts = new WeakMap<object, ClassContext>();
const ANONYMOUS: ClassContext = Object.freeze({ name: 'anonymous', config: undefined });

export function decoratedMethod(fn: unknown): DecoratedMethod | undefined {
  return typeof fn === 'function' ? methods.get(fn as AnyFunction) : undefined;
}

export function registerMethod(wrapper: AnyFunction, method: DecoratedMethod): void {
  methods.set(wrapper, method);
}

export function registerConfig(cls: object, config: ClassConfig): void {
  configs.set(cls, config);
  // Subclasses inherit this config, and one of them may have been resolved already: start afresh
  // (this runs while classes are defined, not per call).
  contexts = new WeakMap();
}

/** The class's `@CacheConfig`, or the nearest one up its inheritance chain. */
export function configOf(cls: object): ClassConfig | undefined {
  for (let c: object | null = cls; c !== null && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const config = configs.get(c);
    if (config) return config;
  }
  return undefined;
}

/**
 * The class context of one call: the receiver's runtime class (the receiver itself for a static method),
 * so a method inherited by a subclass caches under the subclass's `@CacheConfig` or name.
 */
export function receiverClass(self: unknown): ClassContext {
  const cls = typeof self === 'function' ? self : typeof self === 'object' && self !== null ? self.constructor : undefined;
  return typeof cls === 'function' ? classContextOf(cls) : ANONYMOUS;
}

/** A class's name and nearest `@CacheConfig`, resolved once per class. */
export function classContextOf(cls: object & { readonly name: string }): ClassContext {
  let owner = contexts.get(cls);
  if (owner === undefined) {
    owner = Object.freeze({ name: cls.name || ANONYMOUS.name, config: configOf(cls) });
    contexts.set(cls, owner);
  }
  return owner;
}

/** One operation of a class's methods, as `getCacheOperations` lists it. */
export interface CacheOperationInfo {
  /** The decorated method's name. */
  readonly method: string;
  readonly kind: CacheOperation['kind'];
  /** The namespace it uses for this class (its own, else `@CacheConfig`, else the class name). */
  readonly namespace: string;
  /** Seconds: the decorator's ttl, else `@CacheConfig`'s, else the service default (evictions have none). */
  readonly ttl: number | undefined;
}

/**
 * The cache operations of a class's methods (instance, then static), inherited ones included and
 * resolved for this class, base class first, in declaration order. Useful to test the wiring.
 * @example getCacheOperations(UserRepository) // [{ method: 'findById', kind: 'cached', namespace: 'users', ttl: 600 }]
 */
export function getCacheOperations(cls: abstract new (...args: never[]) => unknown): CacheOperationInfo[] {
  const owner = classContextOf(cls);
  return [...decoratedMembers(cls.prototype as object), ...decoratedMembers(cls)].flatMap(({ operations }) =>
    operations.map((op) => ({
      method: op.method,
      kind: op.kind,
      namespace: namespaceOf(op, owner),
      ttl: op.kind === 'evict' ? undefined : (ttlOf(op, owner) ?? DEFAULTS.ttlSeconds),
    })),
  );
}

/** The decorated methods `holder` has or inherits, base class first; an override hides what it overrides. */
function decoratedMembers(holder: object): DecoratedMethod[] {
  const seen = new Set<string | symbol>();
  const levels: DecoratedMethod[][] = [];
  for (
    let o: object | null = holder;
    o !== null && o !== Object.prototype && o !== Function.prototype;
    o = Object.getPrototypeOf(o)
  ) {
    const level: DecoratedMethod[] = [];
    for (const name of Reflect.ownKeys(o)) {
      if (seen.has(name)) continue;
      seen.add(name);
      const method = decoratedMethod(Object.getOwnPropertyDescriptor(o, name)?.value);
      if (method) level.push(method);
    }
    levels.unshift(level);
  }
  return levels.flat();
}
