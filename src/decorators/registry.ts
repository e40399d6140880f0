import type { CacheOperation, ClassConfig, ClassScope } from './operations.js';

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

export function decoratedMethod(fn: unknown): DecoratedMethod | undefined {
  return typeof fn === 'function' ? methods.get(fn as AnyFunction) : undefined;
}

export function registerMethod(wrapper: AnyFunction, method: DecoratedMethod): void {
  methods.set(wrapper, method);
}

export function registerConfig(cls: object, config: ClassConfig): void {
  configs.set(cls, config);
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
 * The class that declared `wrapper` as `name`, found from the receiver of a call: the owner of the
 * property on `self`'s prototype chain (a subclass instance still resolves to the declaring class).
 */
export function declaringScope(self: unknown, name: string, wrapper: AnyFunction): ClassScope {
  let owner: object | undefined;
  for (let o = toObject(self); o !== null; o = Object.getPrototypeOf(o)) {
    if (Object.getOwnPropertyDescriptor(o, name)?.value === wrapper) {
      owner = o;
      break;
    }
  }
  // Private (#) methods aren't properties: fall back to the receiver's class.
  const holder = owner ?? toObject(self);
  const cls = typeof holder === 'function' ? holder : (holder as { constructor?: unknown } | null)?.constructor;
  if (typeof cls !== 'function') return { name: 'anonymous', config: undefined };
  return { name: cls.name || 'anonymous', config: configOf(cls) };
}

function toObject(value: unknown): object | null {
  return (typeof value === 'object' && value !== null) || typeof value === 'function' ? value : null;
}

/** One operation declared on a class, as `getCacheOperations` lists it. */
export interface CacheOperationInfo {
  /** The decorated method's name. */
  readonly method: string;
  readonly kind: CacheOperation['kind'];
  /** The namespace it uses (its own, else `@CacheConfig`, else the class name). */
  readonly namespace: string;
  /** Seconds, when set on the decorator or `@CacheConfig` (evictions have none). */
  readonly ttl: number | undefined;
}

/**
 * The cache operations declared on a class's methods (static and instance, not inherited), in
 * declaration order. Useful to test that a repository is wired as intended.
 * @example getCacheOperations(UserRepository) // [{ method: 'findById', kind: 'cached', namespace: 'users', ttl: 600 }]
 */
export function getCacheOperations(cls: abstract new (...args: never[]) => unknown): CacheOperationInfo[] {
  const config = configOf(cls);
  const infos: CacheOperationInfo[] = [];
  for (const holder of [cls.prototype as object, cls]) {
    for (const name of Object.getOwnPropertyNames(holder)) {
      const method = decoratedMethod(Object.getOwnPropertyDescriptor(holder, name)?.value);
      for (const op of method?.operations ?? []) {
        infos.push({
          method: op.method,
          kind: op.kind,
          namespace: op.namespace ?? config?.namespace ?? cls.name,
          ttl: op.kind === 'evict' ? undefined : (op.ttl ?? config?.ttl),
        });
      }
    }
  }
  return infos;
}
