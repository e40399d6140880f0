import { runnerOf } from '../client/command-runner.js';
import { CacheNotInitializedError } from '../errors.js';
import { type CacheManager, cacheManager } from '../manager/cache-manager.js';
import type { CacheId, CacheService, GetOrSetOptions } from '../service/cache-service.js';
import { defaultKey } from './default-key.js';
import type { CachedOperation, CacheOperation, ClassScope, EvictOperation, PutOperation } from './operations.js';
import { serviceFor } from './services.js';

/** One call of a decorated method. */
export interface Invocation {
  readonly args: readonly unknown[];
  /** Runs the undecorated method with the caller's `this` and arguments. */
  readonly invoke: () => Promise<unknown>;
  /** The class that declared the method (default namespace and `@CacheConfig`). */
  readonly scope: ClassScope;
}

/** An operation with its service and arguments resolved for one call. */
interface Step<O extends CacheOperation> {
  readonly op: O;
  readonly service: CacheService<unknown>;
  readonly ttl: number | undefined;
}

// Operations hold user functions typed against the method's parameters; here they get those arguments.
type Loose = (...args: unknown[]) => never;
const call = <R>(fn: (...args: never) => R, ...args: unknown[]): R => (fn as Loose)(...args);

/**
 * Run the operations stacked on one method in a fixed order: early evictions, lookup, the
 * method, puts, late evictions. The method's own error reaches the caller unchanged (nothing is
 * stored, late evictions don't run); cache failures are reported by the service and act as misses.
 */
export function executeOperations(operations: readonly CacheOperation[], invocation: Invocation): Promise<unknown> {
  const only = operations.length === 1 ? operations[0] : undefined;
  return only?.kind === 'cached' ? cachedOnly(only, invocation) : executeAll(operations, invocation);
}

/** The common case, a lone `@Cached`: no step lists, one `getOrSet`, so a hit stays close to a bare GET. */
function cachedOnly(op: CachedOperation, { args, invoke, scope }: Invocation): Promise<unknown> {
  const { manager, namespace } = placeOf(op, scope);
  if (!isInitialised(manager, namespace) || (op.condition && !call(op.condition, ...args))) return invoke();
  const step = stepFor(op, manager, namespace, scope) as CachedStep;
  return step.service.getOrSet(keyOf(op, args), invoke, lookupOptions(step, args));
}

async function executeAll(operations: readonly CacheOperation[], invocation: Invocation): Promise<unknown> {
  const { args } = invocation;
  const steps = resolveSteps(operations, invocation);
  const evictions = steps.filter((s): s is Step<EvictOperation> => s.op.kind === 'evict');
  for (const step of evictions) if (step.op.beforeInvocation) await evict(step, args);
  const result = await lookup(
    steps.filter((s): s is Step<CachedOperation> => s.op.kind === 'cached'),
    invocation,
  );
  for (const step of steps) if (step.op.kind === 'put') await put(step as Step<PutOperation>, result, args);
  for (const step of evictions) if (!step.op.beforeInvocation) await evict(step, args);
  return result;
}

/** Where an operation's entries live: its own option, else `@CacheConfig`, else the defaults. */
function placeOf(op: CacheOperation, scope: ClassScope): { manager: CacheManager; namespace: string } {
  return {
    manager: op.manager ?? scope.config?.manager ?? cacheManager,
    namespace: op.namespace ?? scope.config?.namespace ?? scope.name,
  };
}

/**
 * Resolve manager, namespace and service per operation. Operations whose manager isn't
 * initialised are dropped (the method still runs) and reported once per manager per call.
 */
function resolveSteps(operations: readonly CacheOperation[], { scope }: Invocation): Step<CacheOperation>[] {
  const ready = new Map<CacheManager, boolean>();
  const steps: Step<CacheOperation>[] = [];
  for (const op of operations) {
    const { manager, namespace } = placeOf(op, scope);
    if (!ready.has(manager)) ready.set(manager, isInitialised(manager, namespace));
    if (!ready.get(manager)) continue;
    steps.push(stepFor(op, manager, namespace, scope));
  }
  return steps;
}

interface CachedStep extends Step<CachedOperation> {
  /** The `getOrSet` options when `unless` doesn't need the call's arguments: built once. */
  readonly options: GetOrSetOptions<unknown>;
}

/** Steps are resolved once per operation and reused while it resolves to the same manager and namespace. */
const resolved = new WeakMap<CacheOperation, Step<CacheOperation> & { manager: CacheManager; namespace: string }>();

function stepFor(op: CacheOperation, manager: CacheManager, namespace: string, { config }: ClassScope): Step<CacheOperation> {
  const known = resolved.get(op);
  if (known?.manager === manager && known.namespace === namespace) return known;
  const model = op.kind === 'evict' || op.model === false ? undefined : (op.model ?? config?.model);
  const ttl = op.kind === 'evict' ? undefined : (op.ttl ?? config?.ttl);
  const resilience = op.kind === 'cached' ? op.resilience : undefined;
  const service = serviceFor(manager, namespace, model, resilience);
  const cacheNull = op.kind === 'cached' && op.cacheNull;
  const options = { ttl, shouldCache: (value: unknown) => value !== null || cacheNull };
  const step = { op, service, ttl, manager, namespace, options };
  resolved.set(op, step);
  return step;
}

function lookupOptions({ op, ttl, options }: CachedStep, args: readonly unknown[]): GetOrSetOptions<unknown> {
  if (!op.unless) return options;
  const unless = op.unless;
  return { ttl, shouldCache: (value) => options.shouldCache!(value) && !call(unless, value, ...args) };
}

function isInitialised(manager: CacheManager, namespace: string): boolean {
  try {
    void manager.client;
    return true;
  } catch (error) {
    if (!(error instanceof CacheNotInitializedError)) throw error;
    runnerOf(manager).report(error, { namespace });
    return false;
  }
}

/** `@Cached`: each applicable lookup wraps the next, the innermost calls the method. */
function lookup(steps: readonly Step<CachedOperation>[], { args, invoke }: Invocation): Promise<unknown> {
  let load = invoke;
  for (const step of [...steps].reverse()) {
    if (step.op.condition && !call(step.op.condition, ...args)) continue;
    const next = load;
    const id = keyOf(step.op, args);
    load = () => step.service.getOrSet(id, next, lookupOptions(step as CachedStep, args));
  }
  return load();
}

async function put({ op, service, ttl }: Step<PutOperation>, result: unknown, args: readonly unknown[]): Promise<void> {
  if (result === null || result === undefined) return;
  if (op.condition && !call(op.condition, ...args)) return;
  if (op.unless && call(op.unless, result, ...args)) return;
  const id = op.keyFromResult ? call(op.keyFromResult, result, ...args) : keyOf(op, args);
  await service.set(id, result, { ttl });
}

async function evict({ op, service }: Step<EvictOperation>, args: readonly unknown[]): Promise<void> {
  if (op.allEntries) await service.invalidatePattern('*');
  else if (op.pattern) await service.invalidatePattern(call(op.pattern, ...args));
  else await service.delete(keyOf(op, args));
}

function keyOf(op: CacheOperation, args: readonly unknown[]): CacheId {
  return op.key ? call(op.key, ...args) : defaultKey(op.method, args);
}
