import { z } from 'zod';
import { segmentProblem } from './keys.js';

/** A duration option in milliseconds: a positive integer. `what` names it in the message. */
export function milliseconds(what = 'a duration'): z.ZodNumber {
  return z
    .number({ error: `expected ${what} in milliseconds (a positive integer)` })
    .int(`expected ${what} in milliseconds (a positive integer)`)
    .positive(`expected ${what} in milliseconds (a positive integer)`);
}

/** A namespace option: the rule `buildCacheKey` applies, checked where the option is given. */
export const namespaceSchema = z.string({ error: 'expected a namespace (a string)' }).superRefine((value, ctx) => {
  const problem = segmentProblem('namespace', value);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});
