import {
  type Attributes,
  context,
  type Meter,
  type MeterProvider,
  metrics,
  type ObservableResult,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { z } from 'zod';
import type { CacheEvent, CacheEventHandler, CacheEventName } from '../client/events.js';
import { configError } from '../core/config-error.js';
import { CacheConfigError, type CacheError } from '../errors.js';
import { CacheManager } from '../manager/cache-manager.js';

/** Options of `instrumentCache()`. */
export interface InstrumentCacheOptions {
  /** Where spans go. @default the global one (`trace.getTracerProvider()`) */
  tracerProvider?: TracerProvider | undefined;
  /** Where metrics go. @default the global one (`metrics.getMeterProvider()`) */
  meterProvider?: MeterProvider | undefined;
  /** Put the full Redis key on spans as `cache.key`. Keys hold ids (a user id, an email), so it is opt-in. @default false */
  recordKeys?: boolean | undefined;
}

/**
 * Seconds, as OpenTelemetry's duration conventions say (`db.client.operation.duration`), with
 * buckets finer than the database ones: a hit takes well under a millisecond.
 */
const DURATION_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Each operation event: the cache operation it ends, and its result when it is a lookup. */
const OPERATIONS = {
  hit: { operation: 'get', result: 'hit' },
  miss: { operation: 'get', result: 'miss' },
  stale: { operation: 'get', result: 'stale' },
  set: { operation: 'set' },
  evict: { operation: 'evict' },
} as const satisfies Partial<Record<CacheEventName, { operation: string; result?: string }>>;

const schema = z.strictObject({
  tracerProvider: z
    .custom<TracerProvider>((v) => typeof (v as TracerProvider | null)?.getTracer === 'function', {
      error: 'expected a TracerProvider (an object with getTracer())',
    })
    .optional(),
  meterProvider: z
    .custom<MeterProvider>((v) => typeof (v as MeterProvider | null)?.getMeter === 'function', {
      error: 'expected a MeterProvider (an object with getMeter())',
    })
    .optional(),
  recordKeys: z.boolean({ error: 'expected a boolean' }).optional(),
});

/**
 * Spans and metrics for every cache operation of `manager`, from its events: one call, undone by
 * the function it returns. No cache convention is stable in OpenTelemetry yet; the names follow
 * the database client conventions' shape (a `*.operation.duration` histogram in seconds,
 * `error.type`), in a `cache.*` namespace:
 * - `cache.operations` (counter), `cache.operation.duration` (histogram, s): attributes
 *   `cache.namespace`, `cache.operation` (`get` | `set` | `evict`), `cache.result` (`hit` |
 *   `miss` | `stale`, on `get`);
 * - `cache.errors` (counter): `cache.namespace`, `error.type` (the `CacheError` code);
 * - `cache.hit_ratio` (gauge, per `cache.namespace`): `stats()`' hit ratio since start.
 *
 * Spans `cache.get users`, `cache.set users`, `cache.evict users` (internal, after the fact:
 * they end when the event fires and start `durationMs` earlier, in the active context), and
 * `cache.error users` with an error status. No `db.*` attributes: Redis commands are the ioredis
 * instrumentation's spans; these are the cache operations above them.
 * @example const stop = instrumentCache(cacheManager);
 */
export function instrumentCache(manager: CacheManager, options: InstrumentCacheOptions = {}): () => void {
  if (!(manager instanceof CacheManager)) {
    throw new CacheConfigError('instrumentCache()', [{ path: 'manager', message: 'expected a CacheManager' }]);
  }
  const parsed = schema.safeParse(options);
  if (!parsed.success) throw configError('instrumentCache() options', parsed.error);
  const { tracerProvider = trace.getTracerProvider(), meterProvider = metrics.getMeterProvider() } = parsed.data;
  const tracer = tracerProvider.getTracer('ts-rc');
  const instruments = createInstruments(meterProvider.getMeter('ts-rc'));
  const handlers = eventHandlers(tracer, instruments, parsed.data.recordKeys ?? false);
  const observeRatio = (result: ObservableResult): void => {
    for (const [namespace, counters] of Object.entries(manager.stats().namespaces)) {
      if (counters.hits + counters.misses > 0) result.observe(counters.hitRatio, { 'cache.namespace': namespace });
    }
  };
  for (const [name, handler] of handlers) manager.on(name, handler);
  instruments.hitRatio.addCallback(observeRatio);
  return () => {
    for (const [name, handler] of handlers) manager.off(name, handler);
    instruments.hitRatio.removeCallback(observeRatio);
  };
}

function createInstruments(meter: Meter) {
  return {
    operations: meter.createCounter('cache.operations', {
      description: 'Cache operations, by namespace, operation (get, set, evict) and result (hit, miss, stale)',
      unit: '{operation}',
    }),
    duration: meter.createHistogram('cache.operation.duration', {
      description: 'Duration of cache operations',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    errors: meter.createCounter('cache.errors', {
      description: 'Cache failures (Redis, encoding, decoding), by namespace and error.type (the CacheError code)',
      unit: '{error}',
    }),
    hitRatio: meter.createObservableGauge('cache.hit_ratio', {
      description: 'Hits / (hits + misses) since start or resetStats(), per namespace',
      unit: '1',
    }),
  };
}

/** One handler per manager event: a metric point and a span for each operation, an error count and span per failure. */
function eventHandlers(
  tracer: Tracer,
  { operations, duration, errors }: ReturnType<typeof createInstruments>,
  recordKeys: boolean,
): [CacheEventName, CacheEventHandler][] {
  const handlers: [CacheEventName, CacheEventHandler][] = Object.entries(OPERATIONS).map(([name, meaning]) => [
    name as CacheEventName,
    (event: CacheEvent) => {
      const attributes: Attributes = { 'cache.operation': meaning.operation };
      if (event.namespace !== undefined) attributes['cache.namespace'] = event.namespace;
      if ('result' in meaning) attributes['cache.result'] = meaning.result;
      operations.add(1, attributes);
      duration.record(event.durationMs / 1000, attributes);
      recordSpan(tracer, `cache.${meaning.operation}`, event, attributes, recordKeys);
    },
  ]);
  handlers.push([
    'error',
    (event: CacheEvent) => {
      const attributes: Attributes = { 'error.type': event.error?.code ?? 'unknown' };
      if (event.namespace !== undefined) attributes['cache.namespace'] = event.namespace;
      errors.add(1, attributes);
      recordSpan(tracer, 'cache.error', event, attributes, recordKeys);
    },
  ]);
  return handlers;
}

/** A span for an operation that just ended: it started `durationMs` ago, under the active span. */
function recordSpan(tracer: Tracer, operation: string, event: CacheEvent, attributes: Attributes, recordKeys: boolean): void {
  const end = performance.timeOrigin + performance.now();
  const name = event.namespace === undefined ? operation : `${operation} ${event.namespace}`;
  const withKey = recordKeys && event.key !== undefined ? { ...attributes, 'cache.key': event.key } : attributes;
  const span = tracer.startSpan(name, { startTime: end - event.durationMs, attributes: withKey }, context.active());
  const { error } = event;
  if (error) {
    const message = recordKeys ? error.message : withoutKey(error, event.key);
    span.recordException({ name: error.name, message, code: error.code });
    // A stale value served is an answer, not a failure: only 'error' marks the span failed.
    if (operation === 'cache.error') span.setStatus({ code: SpanStatusCode.ERROR, message });
  }
  span.end(end);
}

/** Some messages name the key (`Cached entry cache:v1:users:42 is invalid`): not unless asked. */
function withoutKey(error: CacheError, key: string | undefined): string {
  return key ? error.message.split(key).join('<key>') : error.message;
}
