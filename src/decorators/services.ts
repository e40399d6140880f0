import type { Model } from '../core/model.js';
import type { CacheManager } from '../manager/cache-manager.js';
import type { CacheService } from '../service/cache-service.js';
import type { ResilienceOptions } from '../service/resilience-options.js';

type Service = CacheService<unknown>;
/** Services by namespace, then model, then resilience options (one object per `@Cached`). */
type ByNamespace = Map<string, Map<Model<unknown> | undefined, Map<ResilienceOptions | undefined, Service>>>;
const cache = new WeakMap<CacheManager, ByNamespace>();

/**
 * One `CacheService` per (manager, namespace, model, resilience options), built on first use;
 * TTLs are passed per call. Resilience options become the service's own, so no call re-resolves them.
 */
export function serviceFor(
  manager: CacheManager,
  namespace: string,
  model: Model<unknown> | undefined,
  resilience: ResilienceOptions | undefined,
): Service {
  const byNamespace = getOrCreate(cache, manager, () => new Map());
  const byModel = getOrCreate(byNamespace, namespace, () => new Map());
  const byResilience = getOrCreate(byModel, model, () => new Map());
  return getOrCreate(byResilience, resilience, () =>
    manager.service<unknown>(namespace, { ...(model && { model }), ...resilience }),
  );
}

function getOrCreate<K, V>(map: { get(key: K): V | undefined; set(key: K, value: V): unknown }, key: K, create: () => V): V {
  const found = map.get(key);
  if (found !== undefined) return found;
  const created = create();
  map.set(key, created);
  return created;
}
