import { EventEmitter } from 'node:events';
import type { CacheError } from '../errors.js';

/** Events a manager emits. `stale`: a stale value was served (grace, soft timeout). */
export type CacheEventName = 'hit' | 'miss' | 'set' | 'evict' | 'stale' | 'error' | 'degraded' | 'recovered';

/** What every handler receives. */
export interface CacheEvent {
  /** The service's namespace, when the event concerns one. */
  namespace?: string | undefined;
  /** The full Redis key. */
  key?: string | undefined;
  /** The identifier given to the service. */
  id?: string | number | undefined;
  /** How long the operation took, in milliseconds. */
  durationMs: number;
  /** On `'error'` (and `'degraded'`): what went wrong; `cause` holds the original error. */
  error?: CacheError | undefined;
}

export type CacheEventHandler = (event: CacheEvent) => void;

/**
 * A typed emitter that never throws: `'error'` without a listener is dropped (Node would throw),
 * and a handler that throws does not reach the cache call that emitted.
 */
export class CacheEvents {
  readonly #emitter = new EventEmitter();

  on(event: CacheEventName, handler: CacheEventHandler): this {
    this.#emitter.on(event, handler);
    return this;
  }

  off(event: CacheEventName, handler: CacheEventHandler): this {
    this.#emitter.off(event, handler);
    return this;
  }

  once(event: CacheEventName, handler: CacheEventHandler): this {
    this.#emitter.once(event, handler);
    return this;
  }

  /** Cheap check so callers build the event object only when someone listens. */
  listens(event: CacheEventName): boolean {
    return this.#emitter.listenerCount(event) > 0;
  }

  emit(event: CacheEventName, payload: CacheEvent): void {
    for (const handler of this.#emitter.rawListeners(event) as CacheEventHandler[]) {
      try {
        handler(payload);
      } catch {
        // A faulty observer must not break caching; it is the observer's bug to find.
      }
    }
  }
}
