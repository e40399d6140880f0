/** The same hand-written cache-aside as raw-plain, on a client made with `enableAutoPipelining: true`. */
import type { PeerAdapter } from './adapter.js';
import { rawIoredis } from './raw-plain.js';

export const create = (): PeerAdapter => rawIoredis('autopipe', { enableAutoPipelining: true });
