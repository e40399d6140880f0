import type { CacheManager } from '../manager.js';
import type { Model } from '../model.js';
import type { CacheService } from '../service.js';

type ByModel = Map<Model<unknown> | undefined, CacheService<unknown>>;
const cache = new WeakMap<CacheManager, Map<string, ByModel>>();

/** One `CacheService` per (manager, namespace, model), built on first use; TTLs are passed per call. */
export function serviceFor(manager: CacheManager, namespace: string, model: Model<unknown> | undefined): CacheService<unknown> {
  const byNamespace = cache.get(manager) ?? new Map<string, ByModel>();
  cache.set(manager, byNamespace);
  const byModel: ByModel = byNamespace.get(namespace) ?? new Map();
  byNamespace.set(namespace, byModel);
  const service = byModel.get(model) ?? manager.service<unknown>(namespace, model === undefined ? {} : { model });
  byModel.set(model, service);
  return service;
}
