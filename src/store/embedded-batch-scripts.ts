import { type EmbeddedTwin, fenceToken } from './embedded-scripts.js';

/*
 * The twins of the batch scripts in lua-batch-scripts.ts (READ_FENCES_MANY, STORE_FENCED_MANY,
 * STORE_AND_FENCE_MANY, EVICT_MANY), step for step, with the same atomicity as the single-entry
 * twins (see embedded-scripts.ts): synchronous from the first read to the last write.
 */

export const readFencesManyTwin: EmbeddedTwin = (run, keys, [fresh, lifetime]) => {
  const tokens = [fenceToken(run, keys[0]!, `${fresh}:n`, lifetime!)];
  for (let i = 1; i < keys.length; i++) tokens.push(fenceToken(run, keys[i]!, `${fresh}:e`, lifetime!));
  return tokens.join(' ');
};

export const storeFencedManyTwin: EmbeddedTwin = (run, keys, argv) => {
  const namespace = run.get(keys[0]!);
  let stored = '';
  for (let i = 1, a = 0; i < keys.length; i += 2, a += 4) {
    if (namespace === argv[a + 3] && run.get(keys[i + 1]!) === argv[a + 2]) {
      run.setPx(keys[i]!, argv[a]!, argv[a + 1]!);
      stored += '1';
    } else stored += '0';
  }
  return stored;
};

export const storeAndFenceManyTwin: EmbeddedTwin = (run, keys, argv) => {
  for (let i = 0; i < keys.length; i += 2) {
    run.setPx(keys[i]!, argv[i + 2]!, argv[i + 3]!);
    run.setPx(keys[i + 1]!, argv[1]!, argv[0]!);
  }
  return 1;
};

export const evictManyTwin: EmbeddedTwin = (run, keys, [token, lifetime]) => {
  let removed = '';
  for (let i = 0; i < keys.length; i += 2) {
    removed += run.get(keys[i]!) === null ? '0' : '1'; // what DEL will answer: it runs next, in order
    run.del(keys[i]!);
    run.setPx(keys[i + 1]!, token!, lifetime!);
  }
  return removed;
};
