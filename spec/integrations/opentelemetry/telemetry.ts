import type { Attributes } from '@opentelemetry/api';
import { type DataPoint, MeterProvider, type MetricData, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/** A reader that exports nothing by itself: the test calls `collect()` when it wants to look. */
class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** The SDK's in-memory span exporter and a pull metric reader, behind providers to hand to instrumentCache(). */
export class Telemetry {
  readonly exporter = new InMemorySpanExporter();
  readonly tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(this.exporter)] });
  readonly reader = new CollectingReader();
  readonly meterProvider = new MeterProvider({ readers: [this.reader] });

  /** What instrumentCache() takes. */
  get providers(): { tracerProvider: BasicTracerProvider; meterProvider: MeterProvider } {
    return { tracerProvider: this.tracerProvider, meterProvider: this.meterProvider };
  }

  spans(): ReadableSpan[] {
    return this.exporter.getFinishedSpans();
  }

  /** Every metric collected now, by name. */
  async metrics(): Promise<Map<string, MetricData>> {
    const { resourceMetrics } = await this.reader.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
    return new Map(all.map((metric) => [metric.descriptor.name, metric]));
  }

  /** The data points of one metric, as `[attributes, value]`, sorted by their attributes. */
  async points<T = number>(name: string): Promise<[Attributes, T][]> {
    const metric = (await this.metrics()).get(name);
    const points = (metric?.dataPoints ?? []) as DataPoint<T>[];
    return points
      .map((p): [Attributes, T] => [p.attributes, p.value])
      .sort(([a], [b]) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }

  async shutdown(): Promise<void> {
    await Promise.all([this.tracerProvider.shutdown(), this.meterProvider.shutdown()]);
  }
}
