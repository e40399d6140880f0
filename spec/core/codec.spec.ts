import 'reflect-metadata';
import { expect } from 'chai';
import { Type } from 'class-transformer';
import { z } from 'zod';
import { createCodec, parseJson } from '../../src/core/codec.js';
import { modelAdapter } from '../../src/core/model.js';
import { CacheDecodeError, CacheSerializationError } from '../../src/errors.js';

class Event {
  name = '';
  @Type(() => Date) at = new Date(0);
  label(): string {
    return `${this.name}@${this.at.toISOString()}`;
  }
}

describe('codec', () => {
  const plain = createCodec<unknown>(undefined, 1024 * 1024);

  it('wraps values in an envelope and reads them back', () => {
    const text = plain.encode({ v: { a: [1, 'x'] } });
    expect(JSON.parse(text)).to.deep.equal({ v: { a: [1, 'x'] } });
    expect(plain.decode(text, 'k')).to.deep.equal({ v: { a: [1, 'x'] } });
  });

  it('stores a null value as an entry, so a cached null is not a miss', () => {
    const text = plain.encode({ v: null });
    expect(text).to.equal('{"v":null}');
    expect(plain.decode(text, 'k')).to.deep.equal({ v: null });
  });

  it('rejects corrupt or foreign input with CacheDecodeError naming the key', () => {
    for (const raw of ['{not json', '', '42', 'null', '"v"', '{"value":1}']) {
      expect(() => plain.decode(raw, 'cache:v1:users:1'), raw)
        .to.throw(CacheDecodeError, 'cache:v1:users:1')
        .with.property('code', 'E_CACHE_DECODE');
    }
  });

  it('refuses circular values, BigInt and oversize values with CacheSerializationError', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => plain.encode({ v: circular })).to.throw(CacheSerializationError);
    expect(() => plain.encode({ v: 1n })).to.throw(CacheSerializationError);
    const small = createCodec<string>(undefined, 100);
    // The limit is on encoded bytes, envelope included: 8 bytes of `{"v":""}` plus the text.
    expect(small.encode({ v: 'x'.repeat(92) })).to.have.length(100);
    expect(() => small.encode({ v: 'x'.repeat(93) })).to.throw(CacheSerializationError, 'maxValueBytes');
    expect(small.encode({ v: 'é'.repeat(46) })).to.have.length(54); // 100 bytes of UTF-8
    expect(() => small.encode({ v: 'é'.repeat(47) })).to.throw(CacheSerializationError, '102 bytes');
  });

  it('refuses values JSON has no form for (symbols, functions), instead of storing an empty entry', () => {
    const noJson = { toJSON: () => undefined };
    for (const [value, kind] of [
      [Symbol('x'), 'a symbol'],
      [() => 1, 'a function'],
      [noJson, 'toJSON()'],
    ] as const) {
      expect(() => plain.encode({ v: value }), kind).to.throw(CacheSerializationError, kind);
      expect(() => plain.encode({ v: value, e: 1, d: 2 }), kind).to.throw(CacheSerializationError, kind);
    }
    expect(plain.encode({ v: 1, e: 2, d: undefined })).to.equal('{"v":1,"e":2}');
  });

  it('refuses an entry over maxValueBytes on read, before parsing it', () => {
    const small = createCodec<string>(undefined, 100);
    const parse = JSON.parse;
    let parsed = 0;
    JSON.parse = (...args: Parameters<typeof parse>) => (parsed++, parse(...args));
    try {
      const long = JSON.stringify({ v: 'x'.repeat(93) }); // 101 characters
      const wide = JSON.stringify({ v: 'é'.repeat(47) }); // 55 characters, 102 bytes
      expect(() => small.decode(long, 'cache:v1:big:1')).to.throw(
        CacheDecodeError,
        'at least 101 bytes, over maxValueBytes (100)',
      );
      expect(() => small.decode(wide, 'cache:v1:big:2')).to.throw(CacheDecodeError, '102 bytes');
      expect(parsed).to.equal(0);
      expect(small.decode(JSON.stringify({ v: 'é'.repeat(46) }), 'k').v).to.equal('é'.repeat(46));
      expect(parsed).to.equal(1);
    } finally {
      JSON.parse = parse;
    }
  });

  it('drops __proto__ keys, also when \\u-escaped, so no prototype is polluted', () => {
    const hostile = '{"v":{"a":1,"__proto__":{"polluted":true},"\\u005f_proto__":{"polluted":true}}}';
    const { v } = plain.decode(hostile, 'k') as { v: Record<string, unknown> };
    expect(v).to.deep.equal({ a: 1 });
    expect(Object.getPrototypeOf(v)).to.equal(Object.prototype);
    expect(Object.hasOwn(v, '__proto__')).to.equal(false);
    expect(({} as { polluted?: unknown }).polluted).to.equal(undefined);
    expect(parseJson('{"a":"\\u0041"}')).to.deep.equal({ a: 'A' });
  });

  describe('with a zod model', () => {
    const schema = z.object({ id: z.number().int(), tags: z.array(z.string()).default([]) });
    const codec = createCodec(modelAdapter(schema), 1024);

    it('validates on write and stores the value as given', () => {
      expect(codec.encode({ v: { id: 1, tags: ['a'] } })).to.equal('{"v":{"id":1,"tags":["a"]}}');
      expect(() => codec.encode({ v: { id: 1.5, tags: [] } })).to.throw(CacheSerializationError);
    });

    it('validates (and applies defaults) on read; a failing entry is a CacheDecodeError', () => {
      expect(codec.decode('{"v":{"id":2}}', 'k').v).to.deep.equal({ id: 2, tags: [] });
      expect(() => codec.decode('{"v":{"id":"2"}}', 'k')).to.throw(CacheDecodeError);
    });

    it('keeps a cached null without running the schema', () => {
      expect(codec.decode(codec.encode({ v: null as never }), 'k').v).to.equal(null);
    });
  });

  describe('with a class model', () => {
    const codec = createCodec(modelAdapter(Event), 1024);

    it('revives instances with their methods and @Type(() => Date) fields', () => {
      const event = Object.assign(new Event(), { name: 'launch', at: new Date('2024-05-06T07:08:09Z') });
      const back = codec.decode(codec.encode({ v: event }), 'k').v;
      expect(back).to.be.instanceOf(Event);
      expect(back.at).to.be.instanceOf(Date);
      expect(back.label()).to.equal('launch@2024-05-06T07:08:09.000Z');
    });

    it('refuses to revive a non-object as an instance', () => {
      for (const raw of ['{"v":"x"}', '{"v":[1]}', '{"v":3}']) {
        expect(() => codec.decode(raw, 'k'), raw).to.throw(CacheDecodeError, 'Event');
      }
    });
  });
});
