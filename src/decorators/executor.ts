import { runnerOf } from '../client/runner-registry.js';
import { CacheKeyError, CacheNotInitializedError } from '../errors.js';
import { type CacheManager, cacheManager } from '../manager/cache-manager.js';
import type { CacheId, CacheService, GetOrSetOptions } from '../service/cache-service.js';
import { defaultKey } from './default-key.js';
import {
  type CachedOperation,
  type CacheOperation,
  type ClassContext,
  type EvictOperation,
  namespaceOf,
  type PutOperation,
  ttlOf,
} from './operations.js';
import { serviceFor } from './services.js';

/** One call of a decorated method. */
export interface Invocation {
  readonly args: readonly unknown[];
  /** Runs the undecorated method with the caller's `this` and arguments. */
  readonly invoke: () => Promise<unknown>;
  /** The caller's runtime class (default namespace and `@CacheConfig`). */
  readonly owner: ClassContext;
}

/** An operation resolved for one class: where its entries live and the service that holds them. */
interface Step<O extends CacheOperation> {
  readonly op: O;
  readonly manager: CacheManager;
  readonly namespace: string;
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
function cachedOnly(op: CachedOperation, { args, invoke, owner }: Invocation): Promise<unknown> {
  const step = stepFor(op, owner) as CachedStep;
  if (!isInitialised(step.manager, step.namespace) || (op.condition && !call(op.condition, ...args))) return invoke();
  return step.service.getOrSet(keyOf(op, args), invoke, lookupOptions(step, args));
}

async function executeAll(operations: readonly CacheOperation[], invocation: Invocation): Promise<unknown> {
  const { args } = invocation;
  const steps = readySteps(operations, invocation.owner);
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

/**
 * The steps whose manager is initialised. The others are dropped (the method still runs) and
 * reported once per manager per call.
 */
function readySteps(operations: readonly CacheOperation[], owner: ClassContext): Step<CacheOperation>[] {
  const ready = new Map<CacheManager, boolean>();
  const steps: Step<CacheOperation>[] = [];
  for (const op of operations) {
    const step = stepFor(op, owner);
    if (!ready.has(step.manager)) ready.set(step.manager, isInitialised(step.manager, step.namespace));
    if (ready.get(step.manager)) steps.push(step);
  }
  return steps;
}

interface CachedStep extends Step<CachedOperation> {
  /** The `getOrSet` options when `unless` doesn't need the call's arguments: built once. */
  readonly options: GetOrSetOptions<unknown>;
}

/**
 * Steps by class, then operation: an inherited method's one operation gets a step per subclass
 * (its own namespace, ttl and model), and each is built once.
 */
const resolved = new WeakMap<ClassContext, WeakMap<CacheOperation, Step<CacheOperation>>>();

function stepFor(op: CacheOperation, owner: ClassContext): Step<CacheOperation> {
  let steps = resolved.get(owner);
  if (steps === undefined) {
    steps = new WeakMap();
    resolved.set(owner, steps);
  }
  return steps.get(op) ?? newStep(op, owner, steps);
}

function newStep(
  op: CacheOperation,
  owner: ClassContext,
  steps: WeakMap<CacheOperation, Step<CacheOperation>>,
): Step<CacheOperation> {
  const { config } = owner;
  const manager = op.manager ?? config?.manager ?? cacheManager;
  const namespace = namespaceOf(op, owner);
  const model = op.kind === 'evict' || op.model === false ? undefined : (op.model ?? config?.model);
  const ttl = op.kind === 'evict' ? undefined : ttlOf(op, owner);
  const resilience = op.kind === 'cached' ? op.resilience : undefined;
  const service = serviceFor(manager, namespace, model, resilience);
  const cacheNull = op.kind === 'cached' && op.cacheNull;
  const options = { ttl, shouldCache: (value: unknown) => value !== null || cacheNull };
  const step = { op, manager, namespace, service, ttl, options };
  steps.set(op, step);
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
  else if (op.pattern) await service.invalidatePattern(patternOf(op.pattern, op, args));
  else await service.delete(keyOf(op, args));
}

/** The pattern to evict; a non-string would fall back to `'*'` and empty the namespace, so it is refused. */
function patternOf(pattern: (...args: never) => string, op: EvictOperation, args: readonly unknown[]): string {
  const glob: unknown = call(pattern, ...args);
  if (typeof glob === 'string') return glob;
  throw new CacheKeyError(
    `the pattern function of @CacheEvict on ${op.method}() returned ${typeof glob}: return a string (a Redis glob)`,
  );
}

function keyOf(op: CacheOperation, args: readonly unknown[]): CacheId {
  return op.key ? call(op.key, ...args) : defaultKey(op.method, args);
}
