import { type core, z } from 'zod';

/** What a zod schema means for a cache that stores JSON. */
export interface SchemaSurvey {
  /** Places whose values don't come back from JSON, as `path (type)`; empty when every value does. */
  readonly unsafe: readonly string[];
  /** The schema holds a `z.codec`: values are written through `z.encode`, read through parse (decode). */
  readonly codec: boolean;
  /** Places holding a one-way transform, which `z.encode` can't run backwards. */
  readonly oneWay: readonly string[];
}

// No JSON Schema form for reasons that don't change what JSON carries back: a non-finite
// `multipleOf`, a dynamic `.catch()` value, a BigInt default (the BigInt type itself is flagged).
const HARMLESS = new Set(['number', 'catch', 'default', 'prefault']);
// A JSON Schema form, yet their values turn into `{}` in JSON.
const OPAQUE = new Set(['file', 'promise']);

const surveys = new WeakMap<z.ZodType, SchemaSurvey>();

/**
 * Survey a schema once (memoised). The walk is `z.toJSONSchema` on the input side: what is
 * stored is the schema's input form (the caller's value checked by parse, or `z.encode`'s
 * result), and reads parse that form. A type with no JSON Schema form is one whose values
 * JSON can't carry (Date, BigInt, Map, Set, undefined, symbols, functions, custom types).
 * @internal zod-typed, so kept out of the published declarations
 */
export function surveySchema(schema: z.ZodType): SchemaSurvey {
  let survey = surveys.get(schema);
  if (!survey) {
    survey = walk(schema);
    surveys.set(schema, survey);
  }
  return survey;
}

function walk(schema: z.ZodType): SchemaSurvey {
  const unsafe: string[] = [];
  const oneWay: string[] = [];
  let codec = false;
  try {
    z.toJSONSchema(schema, {
      io: 'input',
      unrepresentable: ({ zodSchema, path }) => {
        const def = zodSchema._zod.def;
        // z.coerce.date() reads the ISO string JSON makes of a Date back as that Date.
        const revived = def.type === 'date' && def.coerce === true;
        if (!HARMLESS.has(def.type) && !revived) unsafe.push(`${where(path)} (${def.type})`);
        return 'any';
      },
      override: ({ zodSchema, path }) => {
        const def = zodSchema._zod.def;
        if (OPAQUE.has(def.type)) unsafe.push(`${where(path)} (${def.type})`);
        if (def.type === 'array' && mayBeUndefined(def.element)) unsafe.push(`${where(path)}[] (undefined, written as null)`);
        if (def.type !== 'pipe') return;
        if (zodSchema._zod.traits.has('$ZodCodec')) codec = true;
        else if (isTransform(def.in) || isTransform(def.out)) oneWay.push(where(path));
      },
    });
  } catch (error) {
    unsafe.push(`(not inspectable: ${(error as Error).message})`);
  }
  return { unsafe, codec, oneWay };
}

/** An array item that may be undefined comes back as null, which it may not accept. */
function mayBeUndefined(item: core.$ZodType): boolean {
  if (item._zod.optin !== 'optional') return false;
  try {
    return !z.safeParse(item, null).success;
  } catch {
    return true; // a refinement that throws on null rejects it too
  }
}

function isTransform(schema: core.$ZodType): boolean {
  return schema._zod.traits.has('$ZodTransform');
}

/** A JSON Schema path (`properties/at/items`) as the value's path (`at[]`). */
function where(path: readonly (string | number)[]): string {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (segment === 'properties') out += `.${String(path[++i])}`;
    else if (segment === 'prefixItems') out += `[${String(path[++i])}]`;
    else if (segment === 'items') out += '[]';
    else if (segment === 'additionalProperties') out += '{}';
    else if (segment === 'patternProperties') (out += '{}'), i++;
    else if (segment === 'propertyNames') out += '{key}';
    else if (segment === 'anyOf' || segment === 'oneOf' || segment === 'allOf')
      i++; // a branch: same place
    else out += `/${String(segment)}`;
  }
  return out.replace(/^\./, '') || '(root)';
}
