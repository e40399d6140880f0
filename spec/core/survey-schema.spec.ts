import { expect } from 'chai';
import { z } from 'zod';
import { surveySchema } from '../../src/core/survey-schema.js';

const isoDate = z.codec(z.iso.datetime(), z.date(), {
  decode: (s) => new Date(s),
  encode: (d) => d.toISOString(),
});

describe('surveySchema', () => {
  it('names every place whose values JSON does not carry back, with its type', () => {
    const schema = z.object({
      at: z.date(),
      n: z.bigint(),
      big: z.coerce.bigint(),
      tags: z.set(z.string()),
      byId: z.map(z.string(), z.number()),
      events: z.array(z.object({ when: z.date() })),
      pair: z.tuple([z.string(), z.symbol()]),
      seen: z.record(z.string(), z.date()),
      either: z.union([z.string(), z.date()]),
      gone: z.undefined(),
      run: z.function(),
      node: z.instanceof(URL),
      ratio: z.nan(),
      upload: z.file(),
      maybe: z.array(z.string().optional()),
    });
    expect(surveySchema(schema).unsafe).to.have.members([
      'at (date)',
      'n (bigint)',
      'big (bigint)',
      'tags (set)',
      'byId (map)',
      'events[].when (date)',
      'pair[1] (symbol)',
      'seen{} (date)',
      'either (date)',
      'gone (undefined)',
      'run (function)',
      'node (custom)',
      'ratio (nan)',
      'upload (file)',
      'maybe[] (undefined, written as null)',
    ]);
  });

  it('flags top-level types too', () => {
    for (const [schema, expected] of [
      [z.date(), '(root) (date)'],
      [z.undefined(), '(root) (undefined)'],
      [z.void(), '(root) (void)'],
      [z.literal(undefined), '(root) (literal)'],
      [z.transform((v) => String(v)), '(root) (transform)'],
      [z.preprocess((v) => v, z.date()), '(root) (date)'],
      [z.lazy(() => z.object({ d: z.date() })), 'd (date)'],
    ] as const) {
      expect(surveySchema(schema).unsafe, expected).to.deep.equal([expected]);
    }
  });

  it('passes schemas whose values survive JSON: plain, transforms, pipes, codecs, optional keys', () => {
    const safe = [
      z.object({ id: z.string(), age: z.number().int(), tags: z.array(z.string()).default([]) }),
      z.object({ name: z.string().optional(), nick: z.string().nullable(), note: z.string().catch((c) => String(c.input)) }),
      z.string().transform((s) => s.trim()),
      z.string().pipe(z.coerce.number()),
      z.preprocess((v) => (v instanceof Date ? v.toISOString() : v), z.string()),
      z.array(z.string().optional().nullable()),
      z.record(z.string(), z.number()),
      z.object({ at: isoDate, list: z.array(isoDate) }),
      z.object({ at: z.coerce.date() }),
      z.unknown(),
    ];
    for (const schema of safe) expect(surveySchema(schema).unsafe, JSON.stringify(schema.def.type)).to.deep.equal([]);
  });

  it('tells codecs and one-way transforms apart', () => {
    expect(surveySchema(z.object({ at: isoDate }))).to.deep.include({ codec: true, oneWay: [] });
    expect(surveySchema(z.object({ n: z.string().transform((s) => s.length) }))).to.deep.include({ codec: false, oneWay: ['n'] });
    expect(surveySchema(z.object({ at: isoDate, n: z.string().transform((s) => s) }))).to.deep.include({
      codec: true,
      oneWay: ['n'],
    });
  });

  it('surveys a schema once', () => {
    const schema = z.object({ at: z.date() });
    expect(surveySchema(schema)).to.equal(surveySchema(schema));
  });
});
