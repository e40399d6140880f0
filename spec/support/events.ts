import type { CacheEvent, CacheEventName } from '../../src/client/events.js';
import type { CacheManager } from '../../src/manager/cache-manager.js';

/** Collect the events a manager emits, by name, until `stop()`. */
export function recordEvents(
  manager: CacheManager,
  names: CacheEventName[],
): { events: Record<string, CacheEvent[]>; stop: () => void } {
  const events: Record<string, CacheEvent[]> = {};
  const handlers = names.map((name) => {
    events[name] = [];
    const handler = (event: CacheEvent) => events[name]!.push(event);
    manager.on(name, handler);
    return [name, handler] as const;
  });
  return {
    events,
    stop: () => {
      for (const [name, handler] of handlers) manager.off(name, handler);
    },
  };
}

/** A promise with its resolve function, to hold a factory until the test lets it go. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
