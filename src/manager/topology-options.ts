import { z } from 'zod';
import { type ParsedRedisUrl, parseRedisUrl, type RedisEndpoint, type RedisServer } from './redis-url.js';

/** `cluster` option of `init()`: a Redis Cluster, reached through any of its nodes. */
export interface ClusterOptions {
  /** Seed nodes, `redis://[user:pass@]host:port` or `rediss://…`; credentials and TLS come from them. */
  nodes: string[];
}

/** `sentinel` option of `init()`: a master found by name through Redis Sentinel. */
export interface SentinelOptions {
  /** The master's name in the sentinels' configuration (`sentinel monitor <name> …`). */
  name: string;
  /** Sentinels, `redis://[user:pass@]host:port`; a sentinel's own password comes from its URL. */
  sentinels: string[];
  /** Credentials, TLS (`rediss://`) and database of the master, e.g. `redis://:secret@master/2` (its host is ignored). */
  masterUrl?: string | undefined;
}

/** Where a manager connects, as `cacheManager.options` shows it (passwords masked). */
export interface TopologyShown {
  /** The URL with its password masked, when `redisUrl` was given. */
  redisUrl?: string;
  cluster?: { nodes: string[] };
  sentinel?: { name: string; sentinels: string[]; masterUrl?: string };
}

/** A redis://, rediss:// or memory:// URL parsed at the edge; the zod issue never holds the raw URL. */
const url = z.string({ error: 'expected a redis://, rediss:// or memory:// URL' }).transform((text, ctx) => {
  const parsed = parseRedisUrl(text);
  if (!('error' in parsed)) return parsed;
  ctx.issues.push({ code: 'custom', message: parsed.error, input: undefined });
  return z.NEVER;
});

/** A node address: a Redis server, never `memory://`. */
const serverUrl = url.refine((parsed) => parsed.endpoint.kind === 'redis', 'expected a redis:// or rediss:// URL');

/** @internal zod-typed: kept out of the published declarations. */
export const topologyShape = {
  redisUrl: url.optional(),
  cluster: z.strictObject({ nodes: z.array(serverUrl).min(1, 'expected at least one node URL') }).optional(),
  sentinel: z
    .strictObject({
      name: z.string().min(1, 'expected the master name'),
      sentinels: z.array(serverUrl).min(1, 'expected at least one sentinel URL'),
      masterUrl: serverUrl.optional(),
    })
    .optional(),
};

type ParsedTopology = {
  redisUrl?: ParsedRedisUrl | undefined;
  cluster?: { nodes: ParsedRedisUrl[] } | undefined;
  sentinel?: { name: string; sentinels: ParsedRedisUrl[]; masterUrl?: ParsedRedisUrl | undefined } | undefined;
};

/** @internal The rule between the three: exactly one of them. */
export function exactlyOneTopology(options: ParsedTopology, ctx: z.RefinementCtx): void {
  const given = (['redisUrl', 'cluster', 'sentinel'] as const).filter((name) => options[name] !== undefined);
  if (given.length === 1) return;
  const message =
    given.length === 0
      ? 'required: a redisUrl (redis://, rediss:// or memory://), or cluster: { nodes }, or sentinel: { name, sentinels }'
      : `give exactly one of redisUrl, cluster and sentinel, not ${given.join(' and ')}`;
  ctx.addIssue({ code: 'custom', path: [given[1] ?? 'redisUrl'], message });
}

/** The endpoint, what `options` shows of it, and every secret its URLs hold. */
export function resolveTopology(o: ParsedTopology): { endpoint: RedisEndpoint; shown: TopologyShown; secrets: string[] } {
  if (o.cluster) {
    const { nodes } = o.cluster;
    return {
      endpoint: { kind: 'cluster', nodes: nodes.map(server) },
      shown: { cluster: { nodes: nodes.map((n) => n.masked) } },
      secrets: secretsOf(nodes),
    };
  }
  if (o.sentinel) {
    const { name, sentinels, masterUrl } = o.sentinel;
    const endpoint: RedisEndpoint = {
      kind: 'sentinel',
      name,
      sentinels: sentinels.map(server),
      master: masterUrl && server(masterUrl),
    };
    const shown = {
      sentinel: { name, sentinels: sentinels.map((s) => s.masked), ...(masterUrl && { masterUrl: masterUrl.masked }) },
    };
    return { endpoint, shown, secrets: secretsOf([...sentinels, ...(masterUrl ? [masterUrl] : [])]) };
  }
  const parsed = o.redisUrl as ParsedRedisUrl; // exactlyOneTopology has checked
  return { endpoint: parsed.endpoint, shown: { redisUrl: parsed.masked }, secrets: parsed.secrets };
}

/** The endpoint with every password shown as `***`. */
export function maskEndpoint(endpoint: RedisEndpoint): RedisEndpoint {
  switch (endpoint.kind) {
    case 'memory':
      return endpoint;
    case 'redis':
      return maskServer(endpoint);
    case 'cluster':
      return { ...endpoint, nodes: endpoint.nodes.map(maskServer) };
    case 'sentinel':
      return {
        ...endpoint,
        sentinels: endpoint.sentinels.map(maskServer),
        master: endpoint.master && maskServer(endpoint.master),
      };
  }
}

function maskServer(server: RedisServer): RedisServer {
  return server.password === undefined ? server : { ...server, password: '***' };
}

function server(parsed: ParsedRedisUrl): RedisServer {
  return parsed.endpoint as RedisServer; // serverUrl has checked
}

function secretsOf(urls: readonly ParsedRedisUrl[]): string[] {
  return [...new Set(urls.flatMap((u) => u.secrets))];
}
