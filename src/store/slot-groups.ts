/** Keys per batch command at most (MGET, a batch script, UNLINK), so one command never holds Redis long. */
export const MAX_BATCH_KEYS = 1000;

/**
 * `items` split so that the keys of each group share a Cluster slot: grouped by hash tag (`{…}`;
 * ts-rc's keys of one bucket share one, see core/key-layout.ts), a key without a tag on its own.
 * Standalone (`clustered` false) every key can go in one command: one group. Groups hold at most
 * `max` items, in the order given.
 */
export function groupBySlot<I>(items: readonly I[], keyOf: (item: I) => string, clustered: boolean, max = MAX_BATCH_KEYS): I[][] {
  const groups = new Map<string, I[][]>();
  for (const item of items) {
    const tag = clustered ? hashTag(keyOf(item)) : '';
    const chunks = groups.get(tag) ?? [];
    const last = chunks.at(-1);
    if (last && last.length < max) last.push(item);
    else chunks.push([item]);
    groups.set(tag, chunks);
  }
  return [...groups.values()].flat();
}

/** What Redis Cluster hashes for `key`: the text of its first non-empty `{…}`, else the whole key. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}
