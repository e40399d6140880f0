import 'reflect-metadata';
import { expect } from 'chai';
import { Type } from 'class-transformer';
import { z } from 'zod';
import { z as z3 } from 'zod/v3';
import { createCodec } from '../../src/core/codec.js';
import { modelAdapter, modelOption, modelProblem } from '../../src/core/model.js';
import type { StandardSchemaV1 } from '../../src/core/standard-schema.js';
import { CacheDecodeError, CacheSerializationError } from '../../src/errors.js';

class Tag {
  label = '';
}
class User {
  id = '';
  @Type(() => Date) createdAt = new Date(0);
  @Type(() => Tag) tags: Tag[] = [];
  greet(): string {
    return `hi ${this.id}`;
  }
}

const user = (id: string, at: string) =>
  Object.assign(new User(), { id, createdAt: new Date(at), tags: [Object.assign(new Tag(), { label: id })] });
const isoDate = z.codec(z.iso.datetime(), z.date(), {
  decode: (s) => new Date(s),
  encode: (d) => d.toISOString(),
});

describe('model', () => {
  describe('a class model', () => {
    const codec = createCodec(modelAdapter<User | User[]>(User), 1024 * 1024);

    it('revives an array of instances, with nested @Type fields', () => {
      const text = codec.encode({ v: [user('a', '2024-01-02T03:04:05Z'), user('b', '2025-06-07T08:09:10Z')] });
      const back = codec.decode(text, 'k').v as User[];
      expect(back).to.have.length(2);
      for (const item of back) {
        expect(item).to.be.instanceOf(User);
        expect(item.createdAt).to.be.instanceOf(Date);
        expect(item.tags[0]).to.be.instanceOf(Tag);
      }
      expect(back.map((u) => u.greet())).to.deep.equal(['hi a', 'hi b']);
      expect(back[1]?.createdAt.toISOString()).to.equal('2025-06-07T08:09:10.000Z');
      expect(codec.decode(codec.encode({ v: [] }), 'k').v).to.deep.equal([]);
    });

    it('still revives one instance', () => {
      const back = codec.decode(codec.encode({ v: user('a', '2024-01-02T03:04:05Z') }), 'k').v;
      expect(back).to.be.instanceOf(User);
    });

    it('refuses on write what it could not revive on read', () => {
      for (const value of ['x', 3, [1], [user('a', '2024-01-02T03:04:05Z'), null], [[]]]) {
        expect(() => codec.encode({ v: value as never }), JSON.stringify(value)).to.throw(CacheSerializationError, 'User');
      }
      expect(() => codec.decode('{"v":[{"id":"a"},"b"]}', 'k')).to.throw(CacheDecodeError, 'got a string at [1] of the array');
    });
  });

  describe('a zod codec', () => {
    const schema = z.object({ id: z.string(), at: isoDate, seen: z.array(isoDate) });
    const codec = createCodec(modelAdapter(schema), 1024);

    it('is encoded on write and decoded on read', () => {
      const value = { id: '1', at: new Date('2024-01-02T03:04:05Z'), seen: [new Date(0)] };
      const text = codec.encode({ v: value });
      expect(JSON.parse(text)).to.deep.equal({
        v: { id: '1', at: '2024-01-02T03:04:05.000Z', seen: ['1970-01-01T00:00:00.000Z'] },
      });
      const back = codec.decode(text, 'k').v;
      expect(back.at).to.be.instanceOf(Date);
      expect(back).to.deep.equal(value);
    });

    it('stores a BigInt through a codec', () => {
      const big = z.codec(z.string().regex(/^-?\d+$/), z.bigint(), { decode: (s) => BigInt(s), encode: (n) => String(n) });
      const bigCodec = createCodec(modelAdapter(z.object({ n: big })), 1024);
      const text = bigCodec.encode({ v: { n: 2n ** 70n } });
      expect(text).to.equal('{"v":{"n":"1180591620717411303424"}}');
      expect(bigCodec.decode(text, 'k').v.n).to.equal(2n ** 70n);
    });

    it('is not needed by z.coerce.date(), which reads the ISO string back as a Date', () => {
      const coerced = createCodec(modelAdapter(z.object({ at: z.coerce.date() })), 1024);
      expect(modelProblem(z.object({ at: z.coerce.date() }))).to.equal(undefined);
      expect(coerced.decode(coerced.encode({ v: { at: new Date(5) } }), 'k').v.at).to.deep.equal(new Date(5));
    });

    it('rejects on write a value the codec does not accept', () => {
      expect(() => codec.encode({ v: { id: '1', at: 'yesterday' as never, seen: [] } })).to.throw(CacheSerializationError);
    });
  });

  describe('a Standard Schema other than zod 4', () => {
    /** A hand-written Standard Schema, as valibot or arktype give one: trims `name`, refuses a missing one. */
    const named: StandardSchemaV1<unknown, { name: string }> = {
      '~standard': {
        version: 1,
        vendor: 'spec',
        validate: (value) =>
          typeof (value as { name?: unknown })?.name === 'string'
            ? { value: { name: (value as { name: string }).name.trim() } }
            : { issues: [{ message: 'expected a string', path: [{ key: 'name' }] }] },
      },
    };
    const codec = createCodec(modelAdapter(named), 1024);

    it('is validated on write (the value stored as given) and on read (its output returned)', () => {
      const text = codec.encode({ v: { name: ' Ada ' } });
      expect(JSON.parse(text)).to.deep.equal({ v: { name: ' Ada ' } });
      expect(codec.decode(text, 'k').v).to.deep.equal({ name: 'Ada' });
      expect(modelProblem(named)).to.equal(undefined);
    });

    it('refuses on write and misses on read what it rejects, naming the path', () => {
      expect(() => codec.encode({ v: { name: 1 } as never })).to.throw(CacheSerializationError, 'name: expected a string');
      expect(() => codec.decode('{"v":{}}', 'k')).to.throw(CacheDecodeError, 'name: expected a string');
    });

    it('must validate synchronously', () => {
      const slow: StandardSchemaV1<unknown, string> = {
        '~standard': { version: 1, vendor: 'slow', validate: async (value) => ({ value: String(value) }) },
      };
      expect(() => createCodec(modelAdapter(slow), 1024).encode({ v: 'x' })).to.throw(CacheSerializationError, 'synchronously');
    });

    it('covers zod 3 (3.24+), through its ~standard property', () => {
      const user = z3.object({ id: z3.string(), n: z3.number().default(1) });
      const zod3 = createCodec(modelAdapter(user), 1024);
      expect(modelProblem(user)).to.equal(undefined);
      expect(zod3.decode(zod3.encode({ v: { id: 'a', n: 2 } }), 'k').v).to.deep.equal({ id: 'a', n: 2 });
      expect(zod3.decode('{"v":{"id":"a"}}', 'k').v).to.deep.equal({ id: 'a', n: 1 });
      expect(() => zod3.encode({ v: { id: 1 } as never })).to.throw(CacheSerializationError, 'id: Expected string');
    });
  });

  describe('modelProblem', () => {
    it('accepts classes and schemas whose values survive JSON', () => {
      for (const model of [User, z.object({ id: z.string() }), z.string().transform((s) => s.trim()), isoDate]) {
        expect(modelProblem(model)).to.equal(undefined);
      }
    });

    it('rejects z.date() with a message that names the place and suggests a codec', () => {
      const problem = modelProblem(z.object({ id: z.string(), createdAt: z.date() }));
      expect(problem)
        .to.include("don't survive JSON")
        .and.include('createdAt (date)')
        .and.include('z.codec(z.iso.datetime(), z.date()');
    });

    it('rejects BigInt, Map, Set, undefined, symbols, functions and custom types', () => {
      for (const schema of [
        z.bigint(),
        z.map(z.string(), z.string()),
        z.set(z.string()),
        z.undefined(),
        z.symbol(),
        z.function(),
      ]) {
        expect(modelProblem(schema), schema.def.type).to.include("don't survive JSON");
      }
      expect(modelProblem(z.instanceof(Date))).to.include('(root) (custom)');
    });

    it('rejects a codec mixed with a one-way transform, which z.encode cannot run', () => {
      expect(modelProblem(z.object({ at: isoDate, n: z.string().transform((s) => s.length) }))).to.include('one-way');
    });

    it('rejects what is neither a class nor a Standard Schema, and says so of a zod older than 3.24', () => {
      expect(modelProblem('User')).to.equal('expected a Standard Schema (zod, valibot, arktype…) or a class');
      expect(modelProblem({ '~standard': { version: 2, validate: () => ({}) } })).to.include('expected a Standard Schema');
      expect(modelProblem({ safeParse: () => ({ success: true }) })).to.include('older than 3.24');
    });

    it('is the message of the `model` option check', () => {
      const result = z.object({ model: modelOption() }).safeParse({ model: z.date() });
      expect(result.error?.issues[0]).to.deep.include({ path: ['model'], message: modelProblem(z.date()) });
      expect(modelOption({ allowFalse: true }).safeParse(false).success).to.equal(true);
      expect(modelOption().safeParse(false).success).to.equal(false);
    });
  });
});
