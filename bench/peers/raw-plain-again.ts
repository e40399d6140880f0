/**
 * Not in the default run (name it in BENCH_PEERS_ONLY): the baseline again, in a process of its
 * own, as an A/A check: how far from 1.00× the same code lands shows the noise of a run.
 */
import type { PeerAdapter } from './adapter.js';
import { rawIoredis } from './raw-plain.js';

export const create = (): PeerAdapter => rawIoredis('plain-again', {});
