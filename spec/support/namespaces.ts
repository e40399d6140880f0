import type { CacheManager } from '../../src/manager/cache-manager.js';
import { cleanPrefix } from './backends.js';

/** A namespace no other test (or run) uses; decorators write under the default prefix `cache`. */
export function uniqueNamespace(): string {
  return `ns-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Remove the entries and eviction fences of these namespaces and locks (default prefix and version). */
export async function cleanNamespaces(manager: CacheManager, ...namespaces: string[]): Promise<void> {
  for (const ns of namespaces) {
    await cleanPrefix(manager, `cache:v1:${ns}:`);
    await cleanPrefix(manager, `cache~:f:v1:${ns}`);
    await cleanPrefix(manager, `cache~:l:v1:${ns}`);
  }
}
