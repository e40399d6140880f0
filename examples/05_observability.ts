/**
 * Observability: feed ts-rc's events into OpenTelemetry metrics and a logger.
 * Every event handler receives { namespace, key, id, durationMs, error? }; stats() has the totals.
 * Run: npm run demo (or REDIS_URL=redis://127.0.0.1:6379 npm run demo).
 */
import { type Attributes, metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { type CacheEventName, CacheManager } from 'ts-rc';

console.log(`05 Observability on ${process.env.REDIS_URL ?? 'memory://'}`);

// 1. An OpenTelemetry meter. In production, use your exporter (OTLP, Prometheus) instead.
const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
const meter = metrics.getMeter('ts-rc');

const operations = meter.createCounter('cache.operations', { description: 'cache lookups, writes and evictions by outcome' });
const duration = meter.createHistogram('cache.operation.duration', { unit: 'ms' });

// 2. Wire the events: one counter with an `event` attribute, one latency histogram.
const manager = new CacheManager().init({ redisUrl: process.env.REDIS_URL ?? 'memory://' });
for (const event of ['hit', 'miss', 'set', 'evict', 'stale', 'error'] satisfies CacheEventName[]) {
  manager.on(event, ({ namespace, durationMs }) => {
    const attributes: Attributes = { 'cache.event': event, 'cache.namespace': namespace ?? '' };
    operations.add(1, attributes);
    duration.record(durationMs, attributes);
  });
}
// The hit ratio as a gauge, read from stats() whenever metrics are collected.
meter.createObservableGauge('cache.hit_ratio').addCallback((result) => result.observe(manager.stats().hitRatio));

// 3. A logger for what needs a human: failures, degradation and recovery (swap console for pino/winston).
manager.on('error', ({ namespace, key, error }) =>
  console.warn(`[cache] ${error?.code} on ${namespace}/${key}: ${error?.message}`),
);
manager.on('degraded', ({ error }) => console.warn(`[cache] degraded, bypassing Redis: ${error?.message}`));
manager.on('recovered', () => console.info('[cache] recovered'));

// 4. Some traffic.
const prices = manager.service<number>('prices', { prefix: `example-${process.pid}` });
for (let round = 0; round < 3; round++) {
  for (const sku of ['a', 'b', 'c']) await prices.getOrSet(sku, async () => sku.charCodeAt(0));
}
await prices.set('bad', 10n as unknown as number); // a BigInt can't be stored: reported, not thrown
await prices.invalidatePattern();

await reader.forceFlush();
for (const metric of exporter.getMetrics().flatMap((m) => m.scopeMetrics.flatMap((s) => s.metrics))) {
  for (const point of metric.dataPoints) {
    const value =
      typeof point.value === 'number' ? point.value : `count=${point.value.count} sum=${point.value.sum?.toFixed(2)} ms`;
    console.log(`${metric.descriptor.name.padEnd(26)} ${JSON.stringify(point.attributes).padEnd(58)} ${value}`);
  }
}
console.log('stats():', JSON.stringify(manager.stats()));
await manager.close();
