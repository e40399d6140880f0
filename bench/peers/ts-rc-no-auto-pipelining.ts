/**
 * Not in the default run (name it in BENCH_PEERS_ONLY): ts-rc `getOrSet` on a manager made with
 * `autoPipelining: false`, to tell ts-rc's own cost from that of the auto-pipelining it defaults to.
 */
import type { PeerAdapter } from './adapter.js';
import { tsRcGetOrSet } from './ts-rc-get-or-set.js';

export const create = (): PeerAdapter => tsRcGetOrSet('no-auto-pipelining', { autoPipelining: false });
