/** Weight of the newest lookup in the running share of lookups that started a load. */
const WEIGHT = 1 / 16;
/**
 * From this share on, a lookup reads entry and fences in one script. A script hit costs about 8%
 * more than a GET hit here (and no MGET coalescing), a script miss saves a whole round trip of
 * three, so the script pays from ~8% of loads on; a quarter leaves room for the server's CPU (a
 * script is ~10× a GET's) and for noise: a cache that hits three times in four keeps plain GETs.
 */
const THRESHOLD = 0.25;

/**
 * Whether the next cache-aside lookup of a namespace will likely start a load (a miss with no
 * load of its key in flight), from the recent ones: a running share, decayed per lookup. Hits and
 * joins of a running load count as "no": neither needs fences.
 */
export class LoadForecast {
  #share: number;

  /** @param share the share to start from (a new namespace is usually cold) */
  constructor(share = 0.5) {
    this.#share = share;
  }

  get likely(): boolean {
    return this.#share >= THRESHOLD;
  }

  observe(startedLoad: boolean): void {
    this.#share += ((startedLoad ? 1 : 0) - this.#share) * WEIGHT;
  }
}
