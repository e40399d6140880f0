import { context, metrics, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { expect } from 'chai';
import { CacheConfigError } from '../../../src/errors.js';
import { instrumentCache } from '../../../src/integrations/opentelemetry.js';
import { CacheManager } from '../../../src/manager/cache-manager.js';
import { cleanPrefix, describeOnBackends, managerFor, uniquePrefix } from '../../support/backends.js';
import { sleep } from '../../support/events.js';
import { Telemetry } from './telemetry.js';

/** One of each event: a miss and its set, a hit, an eviction, a stale value served, an error. */
async function traffic(manager: CacheManager, prefix: string): Promise<void> {
  const users = manager.service<string>('users', { prefix });
  await users.getOrSet('1', async () => 'Ada'); // miss, set
  await users.getOrSet('1', async () => 'never'); // hit
  await users.delete('1'); // evict
  const prices = manager.service<number>('prices', { prefix, grace: 60 });
  await prices.set('p', 10, 0.05);
  await sleep(100);
  expect(
    await prices.getOrSet('p', async () => {
      throw new Error('the database is down');
    }),
  ).to.equal(10); // miss, then stale (with the factory's error)
  await prices.set('bad', 10n as unknown as number); // error: E_CACHE_SERIALIZATION
}

describeOnBackends('ts-rc/opentelemetry: instrumentCache() end to end', (backend) => {
  it('counts and times every kind of operation, and gauges the hit ratio per namespace', async () => {
    const telemetry = new Telemetry();
    const manager = managerFor(backend);
    const prefix = uniquePrefix();
    const stop = instrumentCache(manager, telemetry.providers);
    try {
      await traffic(manager, prefix);
      await manager.service<number>('writes', { prefix }).set('w', 1); // no lookup: no hit ratio
      expect(await telemetry.points('cache.operations')).to.deep.equal([
        [{ 'cache.operation': 'evict', 'cache.namespace': 'users' }, 1],
        [{ 'cache.operation': 'get', 'cache.namespace': 'prices', 'cache.result': 'miss' }, 1],
        [{ 'cache.operation': 'get', 'cache.namespace': 'prices', 'cache.result': 'stale' }, 1],
        [{ 'cache.operation': 'get', 'cache.namespace': 'users', 'cache.result': 'hit' }, 1],
        [{ 'cache.operation': 'get', 'cache.namespace': 'users', 'cache.result': 'miss' }, 1],
        [{ 'cache.operation': 'set', 'cache.namespace': 'prices' }, 1],
        [{ 'cache.operation': 'set', 'cache.namespace': 'users' }, 1],
        [{ 'cache.operation': 'set', 'cache.namespace': 'writes' }, 1],
      ]);
      expect(await telemetry.points('cache.errors')).to.deep.equal([
        [{ 'error.type': 'E_CACHE_SERIALIZATION', 'cache.namespace': 'prices' }, 1],
      ]);
      const durations = await telemetry.points<Histogram>('cache.operation.duration');
      expect(durations.map(([attributes, h]) => [attributes, h.count])).to.deep.equal(
        (await telemetry.points('cache.operations')).map(([attributes, count]) => [attributes, count]),
      );
      const metric = (await telemetry.metrics()).get('cache.operation.duration');
      expect(metric?.descriptor.unit).to.equal('s');
      const stale = durations.find(([a]) => a['cache.result'] === 'stale')![1];
      expect(stale.sum, 'seconds, not milliseconds').to.be.lessThan(1);
      expect(await telemetry.points('cache.hit_ratio')).to.deep.equal([
        [{ 'cache.namespace': 'prices' }, 0],
        [{ 'cache.namespace': 'users' }, 0.5],
      ]);
      expect(telemetry.spans().map((s) => s.name)).to.deep.equal([
        'cache.get users',
        'cache.set users',
        'cache.get users',
        'cache.evict users',
        'cache.set prices',
        'cache.get prices',
        'cache.get prices',
        'cache.error prices',
        'cache.set writes',
      ]);
    } finally {
      stop();
      if (backend.name === 'redis') await cleanPrefix(manager, prefix);
      await manager.close();
      await telemetry.shutdown();
    }
  });
});

describe('ts-rc/opentelemetry: spans', () => {
  let telemetry: Telemetry;
  let manager: CacheManager;
  let stop: () => void;
  const contextManager = new AsyncLocalStorageContextManager();
  before(() => context.setGlobalContextManager(contextManager.enable()));
  after(() => context.disable());
  beforeEach(() => {
    telemetry = new Telemetry();
    manager = new CacheManager().init({ redisUrl: 'memory://', logger: false });
  });
  afterEach(async () => {
    stop?.();
    await manager.close();
    await telemetry.shutdown();
  });

  it('one span per operation, after the fact: it ends at the event and starts durationMs earlier, under the active span', async () => {
    stop = instrumentCache(manager, telemetry.providers);
    const durations: number[] = [];
    manager.on('hit', (e) => durations.push(e.durationMs)).on('miss', (e) => durations.push(e.durationMs));
    const parent = telemetry.tracerProvider.getTracer('app').startSpan('GET /users/:id');
    await context.with(trace.setSpan(context.active(), parent), async () => {
      const users = manager.service<string>('users');
      await users.getOrSet('42', async () => 'Ada');
      await users.get('42');
    });
    parent.end();
    const [miss, set, hit] = telemetry.spans();
    expect([miss?.name, set?.name, hit?.name]).to.deep.equal(['cache.get users', 'cache.set users', 'cache.get users']);
    expect(miss?.attributes).to.deep.equal({ 'cache.namespace': 'users', 'cache.operation': 'get', 'cache.result': 'miss' });
    expect(hit?.attributes).to.deep.equal({ 'cache.namespace': 'users', 'cache.operation': 'get', 'cache.result': 'hit' });
    for (const span of [miss!, set!, hit!]) {
      expect(span.kind).to.equal(SpanKind.INTERNAL);
      expect(span.parentSpanContext?.spanId).to.equal(parent.spanContext().spanId);
      expect(span.spanContext().traceId).to.equal(parent.spanContext().traceId);
      expect(span.status.code).to.equal(SpanStatusCode.UNSET);
    }
    const ms = ([s, n]: [number, number]) => s * 1000 + n / 1e6;
    expect(ms(hit!.duration)).to.be.closeTo(durations[1]!, 0.05);
    expect(ms(miss!.duration)).to.be.closeTo(durations[0]!, 0.05);
    expect(ms(hit!.startTime)).to.be.at.least(ms(miss!.endTime));
  });

  it("an 'error' is a span with an error status and error.type; a stale value served is not a failure", async () => {
    stop = instrumentCache(manager, telemetry.providers);
    await manager.service<bigint>('big').set('1', 1n);
    const [span] = telemetry.spans();
    expect(span?.name).to.equal('cache.error big');
    expect(span?.status.code).to.equal(SpanStatusCode.ERROR);
    expect(span?.status.message).to.match(/can't be cached/);
    expect(span?.attributes).to.deep.equal({ 'cache.namespace': 'big', 'error.type': 'E_CACHE_SERIALIZATION' });
    expect(span?.events[0]?.attributes?.['exception.type']).to.equal('E_CACHE_SERIALIZATION');

    telemetry.exporter.reset();
    await traffic(manager, uniquePrefix());
    const staleSpan = telemetry.spans().find((s) => s.attributes['cache.result'] === 'stale');
    expect(staleSpan?.status.code).to.equal(SpanStatusCode.UNSET);
    expect(staleSpan?.events[0]?.attributes?.['exception.message']).to.match(/the database is down/);
  });

  it('keeps keys off spans unless recordKeys: true, also out of error messages that name them', async () => {
    const corrupt = async () => {
      const users = manager.service<string>('users');
      await manager.client.set(users.key('alice@example.com'), 'not json');
      await users.get('alice@example.com');
      return users.key('alice@example.com');
    };
    stop = instrumentCache(manager, telemetry.providers);
    const key = await corrupt();
    const shown = JSON.stringify(telemetry.spans().map((s) => [s.attributes, s.events, s.status]));
    expect(shown).to.not.include('alice');
    expect(shown).to.include('Cached entry <key> is invalid');
    stop();

    telemetry.exporter.reset();
    stop = instrumentCache(manager, { ...telemetry.providers, recordKeys: true });
    await corrupt();
    const spans = telemetry.spans();
    expect(spans.map((s) => s.attributes['cache.key'])).to.deep.equal([key, key]); // the error, then the miss
    expect(spans[0]?.status.message).to.include(key);
  });

  it('keeps keys and ids out of every metric attribute', async () => {
    stop = instrumentCache(manager, { ...telemetry.providers, recordKeys: true });
    await traffic(manager, uniquePrefix());
    const attributes = [...(await telemetry.metrics()).values()].flatMap((m) => m.dataPoints.map((p) => p.attributes));
    expect(attributes.length).to.be.greaterThan(5);
    for (const a of attributes) expect(Object.keys(a)).to.not.include('cache.key');
  });
});

describe('ts-rc/opentelemetry: instrumentCache() options and stop()', () => {
  afterEach(() => {
    trace.disable();
    metrics.disable();
  });

  it('the function it returns stops every span, counter and the gauge', async () => {
    const telemetry = new Telemetry();
    const manager = new CacheManager().init({ redisUrl: 'memory://', logger: false });
    const stop = instrumentCache(manager, telemetry.providers);
    await manager.service<string>('users').getOrSet('1', async () => 'Ada');
    stop();
    stop(); // twice is harmless
    const spans = telemetry.spans().length;
    const before = await telemetry.points('cache.operations');
    await manager.service<string>('users').get('1');
    await manager.service<bigint>('big').set('1', 1n);
    expect(telemetry.spans()).to.have.length(spans);
    expect(await telemetry.points('cache.operations')).to.deep.equal(before);
    expect(await telemetry.points('cache.errors')).to.deep.equal([]);
    expect(await telemetry.points('cache.hit_ratio')).to.deep.equal([]);
    await manager.close();
    await telemetry.shutdown();
  });

  it('defaults to the global tracer and meter providers', async () => {
    const telemetry = new Telemetry();
    trace.setGlobalTracerProvider(telemetry.tracerProvider);
    metrics.setGlobalMeterProvider(telemetry.meterProvider);
    const manager = new CacheManager().init({ redisUrl: 'memory://', logger: false });
    const stop = instrumentCache(manager);
    await manager.service<string>('users').get('1');
    stop();
    expect(telemetry.spans().map((s) => s.name)).to.deep.equal(['cache.get users']);
    expect(await telemetry.points('cache.operations')).to.have.length(1);
    await manager.close();
    await telemetry.shutdown();
  });

  it('validates its arguments with a CacheConfigError naming each', () => {
    const manager = new CacheManager();
    expect(() => instrumentCache({} as CacheManager)).to.throw(CacheConfigError, /manager: expected a CacheManager/);
    expect(() => instrumentCache(manager, { tracerProvider: {} as never })).to.throw(
      CacheConfigError,
      /tracerProvider: expected a TracerProvider/,
    );
    expect(() => instrumentCache(manager, { meterProvider: 'global' as never })).to.throw(CacheConfigError, /meterProvider/);
    expect(() => instrumentCache(manager, { recordKeys: 'yes' as never })).to.throw(CacheConfigError, /recordKeys/);
    expect(() => instrumentCache(manager, { tracer: {} } as never)).to.throw(CacheConfigError, /tracer: unknown option/);
  });
});
