import 'reflect-metadata';
import { expect } from 'chai';
import { Type } from 'class-transformer';
import { z } from 'zod';
import { CacheConfigError, CacheDecodeError, CacheSerializationError } from '../../src/errors.js';
import { describeOnBackends } from '../support/backends.js';
import { recordEvents, sleep } from '../support/events.js';
import { testBed } from '../support/test-bed.js';

// Issue #8: what a model accepts on write is served on read; what can't be stored isn't.
class Address {
  city = '';
}
class User {
  id = '';
  @Type(() => Date) createdAt = new Date(0);
  @Type(() => Address) address = new Address();
  greet(): string {
    return `hi ${this.id}`;
  }
}
const user = (id: string) =>
  Object.assign(new User(), {
    id,
    createdAt: new Date('2024-01-02T03:04:05Z'),
    address: Object.assign(new Address(), { city: id }),
  });

const isoDate = z.codec(z.iso.datetime(), z.date(), { decode: (s) => new Date(s), encode: (d) => d.toISOString() });

describeOnBackends('CacheService: values that pass the model come back, values that cannot be stored are not', (backend) => {
  const bed = testBed(backend);

  it('CacheService<User[]> with model: User serves the stored array as User instances', async () => {
    const lists = bed.manager.service<User[]>('user-lists', { prefix: bed.prefix, model: User });
    const { events, stop } = recordEvents(bed.manager, ['hit', 'error']);
    let calls = 0;
    const findAll = async () => (calls++, [user('a'), user('b')]);
    await lists.getOrSet('all', findAll);
    const back = await lists.getOrSet('all', findAll);
    stop();
    expect(calls).to.equal(1);
    expect(events.hit).to.have.length(1);
    expect(events.error).to.deep.equal([]);
    expect(back.map((u) => u.greet())).to.deep.equal(['hi a', 'hi b']);
    expect(back[0]).to.be.instanceOf(User);
    expect(back[0]?.createdAt).to.be.instanceOf(Date);
    expect(back[1]?.address).to.be.instanceOf(Address);
  });

  it('a zod codec with dates is encoded on write and decoded on read: the factory runs once in 3 calls', async () => {
    const schema = z.object({ id: z.string(), at: isoDate });
    const events = bed.manager.service<z.infer<typeof schema>>('events', { prefix: bed.prefix, model: schema });
    let calls = 0;
    const load = async () => (calls++, { id: 'e', at: new Date('2024-05-06T07:08:09Z') });
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await events.getOrSet('e', load));
    expect(calls).to.equal(1);
    for (const result of results) expect(result.at).to.be.instanceOf(Date);
    expect(results[2]?.at.toISOString()).to.equal('2024-05-06T07:08:09.000Z');
    expect(JSON.parse((await bed.manager.client.get(events.key('e'))) ?? '').v.at).to.equal('2024-05-06T07:08:09.000Z');
  });

  it('a zod schema whose values do not survive JSON is rejected at construction, naming model and suggesting a codec', () => {
    let error: unknown;
    try {
      bed.manager.service('events', { prefix: bed.prefix, model: z.object({ id: z.string(), at: z.date() }) });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(CacheConfigError);
    const issue = (error as CacheConfigError).issues[0];
    expect(issue?.path).to.equal('model');
    expect(issue?.message).to.include('at (date)').and.include('z.codec(');
  });

  it('a factory returning a Symbol or a function: returned, not stored, reported', async () => {
    const things = bed.manager.service<unknown>('things', { prefix: bed.prefix });
    const { events, stop } = recordEvents(bed.manager, ['error']);
    const symbol = Symbol('token');
    const fn = () => 1;
    expect(await things.getOrSet('s', () => symbol)).to.equal(symbol);
    expect(await things.getOrSet('f', async () => fn)).to.equal(fn);
    expect(await things.set('s', symbol)).to.equal(false);
    stop();
    expect(await things.exists('s')).to.equal(false);
    expect(await things.exists('f')).to.equal(false);
    expect(events.error).to.have.length(3);
    for (const event of events.error ?? []) expect(event.error).to.be.instanceOf(CacheSerializationError);
    expect(events.error?.[0]?.error?.message).to.include('a symbol');
  });

  it('an entry over maxValueBytes left by another writer is a miss, reported, removed and never parsed', async () => {
    const docs = bed.manager.service<string>('docs', { prefix: bed.prefix, maxValueBytes: 1000 });
    const raw = JSON.stringify({ v: 'x'.repeat(5000) });
    await bed.manager.client.set(docs.key('big'), raw);
    const { events, stop } = recordEvents(bed.manager, ['error']);
    const parse = JSON.parse;
    let parsedLong = 0;
    JSON.parse = (...args: Parameters<typeof parse>) => (args[0].length > 1000 && parsedLong++, parse(...args));
    try {
      expect(await docs.get('big')).to.equal(null);
    } finally {
      JSON.parse = parse;
    }
    stop();
    expect(parsedLong).to.equal(0);
    expect(events.error).to.have.length(1);
    expect(events.error?.[0]?.error).to.be.instanceOf(CacheDecodeError);
    expect(events.error?.[0]?.error?.message).to.include('over maxValueBytes (1000)');
    expect(events.error?.[0]?.key).to.equal(docs.key('big'));
    await sleep(20);
    expect(await bed.manager.client.exists(docs.key('big'))).to.equal(0);
    expect(await docs.getOrSet('big', () => 'small')).to.equal('small');
    expect(await docs.get('big')).to.equal('small');
  });
});
