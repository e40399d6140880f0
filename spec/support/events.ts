import { inspect } from 'node:util';
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

/** The error `promise` rejects with; fails the test when it resolves. Also proves the call did not throw synchronously. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** The error `call()` rejects with; fails the test when it throws synchronously instead, or resolves. */
export function asyncRejection(call: () => Promise<unknown>): Promise<Error> {
  let pending: Promise<unknown>;
  try {
    pending = call();
  } catch (error) {
    throw new Error(`expected a rejection, but it threw synchronously: ${String(error)}`);
  }
  return rejection(pending);
}

/** What `fn` throws, or `undefined` when it returns. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/**
 * A database read held until `open(value)`. `entered` resolves once the factory has been called,
 * i.e. once the load has read its fence tokens: on a fresh Cluster connection that takes longer
 * than a fixed pause would assume.
 */
export function heldRead<T>(): { read: () => Promise<T>; entered: Promise<void>; open: (value: T) => void } {
  const value = gate<T>();
  const entered = gate();
  return {
    read: () => {
      entered.open();
      return value.promise;
    },
    entered: entered.promise,
    open: value.open,
  };
}

/**
 * Everything a set of events could show a reader, as text: each event, its error (message,
 * stack, full inspection) and the error's cause. Specs search it for secrets that must not leak.
 */
export function reported(events: readonly CacheEvent[]): string {
  return events
    .map(({ error, ...event }) => {
      const cause = error?.cause as Error | undefined;
      return [inspect(event), String(error), error?.stack, inspect(error, { depth: 10 }), String(cause), cause?.stack].join('\n');
    })
    .join('\n');
}

/** The `p`th percentile (0–100) of latencies in ms, for the figures the fault specs print. */
export function percentile(xs: readonly number[], p: number): number {
  return [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? 0;
}
