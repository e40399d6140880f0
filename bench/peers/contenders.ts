/** The contenders of `npm run bench:peers`, in table order. The first is the 1.00× baseline. */
import type { PeerAdapter } from './adapter.js';

export interface ContenderInfo {
  /** Argument of the worker process; also names the adapter file. */
  readonly id: string;
  /** Row label, in markdown. */
  readonly label: string;
  /** ts-rc's own contenders: their figures are checked against the targets. */
  readonly ours?: true;
  /** A third-party library (one of them is named the best peer). */
  readonly peer?: true;
  /** Left out of the default run; measured only when named in BENCH_PEERS_ONLY. */
  readonly extra?: true;
  /** The packages it runs on, whose installed versions the results name. */
  readonly packages: readonly string[];
  /** Loaded in the worker only, so each process imports just its own library. */
  readonly load: () => Promise<{ create(): PeerAdapter }>;
}

const ioredis = ['ioredis'];

export const CONTENDERS: readonly ContenderInfo[] = [
  { id: 'raw-plain', label: 'raw ioredis, plain', packages: ioredis, load: () => import('./raw-plain.js') },
  {
    id: 'ts-rc-get-or-set',
    label: 'ts-rc `CacheService.getOrSet`',
    ours: true,
    packages: ioredis,
    load: () => import('./ts-rc-get-or-set.js'),
  },
  { id: 'ts-rc-cached', label: 'ts-rc `@Cached`', ours: true, packages: ioredis, load: () => import('./ts-rc-cached.js') },
  {
    id: 'raw-auto-pipelining',
    label: 'raw ioredis with auto-pipelining',
    packages: ioredis,
    load: () => import('./raw-auto-pipelining.js'),
  },
  {
    id: 'async-cache-dedupe',
    label: 'async-cache-dedupe',
    peer: true,
    packages: ['async-cache-dedupe', 'ioredis'],
    load: () => import('./async-cache-dedupe.js'),
  },
  {
    id: 'cache-manager',
    label: 'cache-manager v7',
    peer: true,
    packages: ['cache-manager', 'keyv', '@keyv/redis', '@redis/client'],
    load: () => import('./cache-manager.js'),
  },
  {
    id: 'bentocache',
    label: 'bentocache (L2)',
    peer: true,
    packages: ['bentocache', 'ioredis'],
    load: () => import('./bentocache.js'),
  },
  {
    id: 'type-cacheable',
    label: 'type-cacheable',
    peer: true,
    packages: ['@type-cacheable/core', '@type-cacheable/ioredis-adapter', 'ioredis'],
    load: () => import('./type-cacheable.js'),
  },
  {
    id: 'raw-plain-again',
    label: 'raw ioredis, plain (A/A check)',
    extra: true,
    packages: ioredis,
    load: () => import('./raw-plain-again.js'),
  },
  {
    id: 'ts-rc-no-auto-pipelining',
    label: 'ts-rc `getOrSet`, `autoPipelining: false`',
    ours: true,
    extra: true,
    packages: ioredis,
    load: () => import('./ts-rc-no-auto-pipelining.js'),
  },
];
