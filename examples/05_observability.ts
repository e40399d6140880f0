/**
 * Observability: spans and metrics for every cache operation with one call, `instrumentCache()`
 * from 'ts-rc/opentelemetry', and failures logged once each by the manager's default `logger`.
 * Run: `npm run demo -- 05` (memory://), or `REDIS_URL=redis://127.0.0.1:6379 npm run demo -- 05`; after `npm install`.
 */
import { metrics, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { CacheManager } from 'ts-rc';
import { instrumentCache } from 'ts-rc/opentelemetry';

console.log(`05 Observability on ${process.env.REDIS_URL ?? 'memory://'}`);

// 1. OpenTelemetry providers. In production, use the Node SDK with your exporters (OTLP, Prometheus).
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 });
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
const spanExporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] }));

// 2. One call: spans and metrics from the manager's events, through the global providers
//    (or pass { tracerProvider, meterProvider }). It returns a function that stops it.
//    Failures nobody listens for go to `logger` (console by default): each kind once, then counted.
//    Here the logger marks its lines as expected: this example fails on purpose (below).
const expected = (line: string) => console.log(`expected (a BigInt can't be stored): ${line}`);
const logger = { warn: expected, error: expected };
const manager = new CacheManager().init({ redisUrl: process.env.REDIS_URL ?? 'memory://', logger });
const stop = instrumentCache(manager);

// 3. Some traffic.
const prices = manager.service<number>('prices', { prefix: 'ts-rc-example' });
for (let round = 0; round < 3; round++) {
  for (const sku of ['a', 'b', 'c']) await prices.getOrSet(sku, async () => sku.charCodeAt(0));
}
for (let i = 0; i < 3; i++) await prices.set('bad', 10n as unknown as number); // a BigInt can't be stored: logged once
await prices.invalidatePattern();

// 4. What was recorded.
await reader.forceFlush();
for (const metric of metricExporter.getMetrics().flatMap((m) => m.scopeMetrics.flatMap((s) => s.metrics))) {
  for (const point of metric.dataPoints) {
    const value =
      typeof point.value === 'number'
        ? point.value
        : `count=${point.value.count} sum=${((point.value.sum ?? 0) * 1000).toFixed(2)} ms`;
    console.log(`${metric.descriptor.name.padEnd(25)} ${JSON.stringify(point.attributes).padEnd(86)} ${value}`);
  }
}
const spans = spanExporter.getFinishedSpans();
console.log(`${spans.length} spans, e.g.:`);
for (const span of [spans[0], spans.find((s) => s.status.code === SpanStatusCode.ERROR)]) {
  console.log(`  ${span?.name.padEnd(20)} ${JSON.stringify(span?.attributes)} status=${SpanStatusCode[span?.status.code ?? 0]}`);
}
console.log('stats():', JSON.stringify(manager.stats()));
stop();
await manager.close();
