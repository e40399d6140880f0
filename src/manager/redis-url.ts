/** A Redis server to connect to, parsed from a `redis://` or `rediss://` URL. */
export interface RedisServer {
  kind: 'redis';
  /** `rediss://`: connect over TLS. */
  tls: boolean;
  /** Host name or IP address (IPv6 without its brackets). */
  host: string;
  /** @default 6379 */
  port: number;
  /** Database index, from the path (`/2`) or `?db=2`. @default 0 */
  db: number;
  username?: string;
  password?: string;
  /** IP family for the host name lookup, from `?family=4|6`. */
  family?: 4 | 6;
  /** `CLIENT SETNAME` for every connection, from `?connectionName=`. */
  connectionName?: string;
}

/** A Redis Cluster, from `cluster.nodes`: seed addresses (credentials and TLS from them). */
export interface ClusterEndpoint {
  kind: 'cluster';
  nodes: RedisServer[];
}

/** A master found through Sentinel: `sentinel.name` asked of `sentinel.sentinels`; `master` from `sentinel.masterUrl`. */
export interface SentinelEndpoint {
  kind: 'sentinel';
  name: string;
  sentinels: RedisServer[];
  /** Credentials, TLS and database of the master; its host and port come from the sentinels. */
  master: RedisServer | undefined;
}

/** Where a manager connects: the embedded store (`memory://`), a Redis server, a Cluster or a Sentinel-managed master. */
export type RedisEndpoint = { kind: 'memory' } | RedisServer | ClusterEndpoint | SentinelEndpoint;

/** A parsed `redisUrl`: the endpoint, the URL with its password masked, and the secrets it holds. */
export interface ParsedRedisUrl {
  endpoint: RedisEndpoint;
  /** The URL as written, with the password (and any unknown query value) as `***`. */
  masked: string;
  /** The password as written and decoded, to scrub from anything reported. */
  secrets: string[];
}

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const EXPECTED = 'expected a URL starting with redis://, rediss:// or memory://';
const QUERY_OPTIONS = ['db', 'family', 'connectionName'] as const;
type QueryOptions = Partial<Pick<RedisServer, 'db' | 'family' | 'connectionName'>>;

/**
 * Parse a `redisUrl` without `new URL()`, so a password may hold any character (`#`, `/`, `?`,
 * `@`, spaces) raw or percent-encoded: the credentials end at the last `@`. Returns what is
 * wrong (password masked) when the URL is malformed.
 */
export function parseRedisUrl(url: string): ParsedRedisUrl | { error: string } {
  const masked = maskRedisUrl(url);
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return { error: missingScheme(url) };
  if (scheme === 'memory') return { endpoint: { kind: 'memory' }, masked, secrets: [] };
  if (scheme !== 'redis' && scheme !== 'rediss') return { error: `${EXPECTED}, not ${scheme}://` };
  const rest = url.slice(scheme.length + 3);
  const at = rest.lastIndexOf('@');
  const address = parseAddress(rest.slice(at + 1));
  if ('error' in address) return { error: `${address.error} in ${masked}` };
  const credentials = at < 0 ? {} : parseCredentials(rest.slice(0, at));
  const { rawPassword, ...auth } = credentials;
  const secrets = [rawPassword, auth.password].filter((s): s is string => !!s);
  return { endpoint: { kind: 'redis', tls: scheme === 'rediss', ...address, ...auth }, masked, secrets: [...new Set(secrets)] };
}

/** `scheme://user:***@host…`: the password (any characters) and unknown query values masked. */
export function maskRedisUrl(url: string): string {
  const scheme = SCHEME.exec(url)?.[0] ?? '';
  const rest = url.slice(scheme.length);
  const at = rest.lastIndexOf('@');
  const userinfo = rest.slice(0, Math.max(at, 0));
  const colon = userinfo.indexOf(':');
  const credentials = at < 0 ? '' : colon < 0 ? `${userinfo}@` : `${userinfo.slice(0, colon)}:***@`;
  return scheme + credentials + maskQuery(rest.slice(at + 1));
}

function maskQuery(address: string): string {
  const known: readonly string[] = QUERY_OPTIONS;
  const start = address.indexOf('?');
  if (start < 0) return address;
  const query = address
    .slice(start)
    .replace(/([?&])([^=&#]*)=([^&#]*)/g, (all, sep: string, key: string) => (known.includes(key) ? all : `${sep}${key}=***`));
  return address.slice(0, start) + query;
}

function missingScheme(url: string): string {
  // Suggest a fix only for what looks like an address (`host:port`, `user:password@host`), so a
  // bare password is never echoed.
  const looksLikeAddress = /^[^@]*:.*@|^[^:/?#\s]+:\d+(\/\d*)?$/.test(url);
  const candidate = `redis://${url}`;
  const fixable = looksLikeAddress && !('error' in parseRedisUrl(candidate));
  return fixable ? `${EXPECTED} (did you mean ${maskRedisUrl(candidate)}?)` : EXPECTED;
}

const ADDRESS = /^(\[[^\]]*\]|[^:/?#[\]]*)(?::([^/?#]*))?(?:\/([^?#]*))?(?:\?([^#]*))?(#.*)?$/;
const HOST = /^(\[[0-9a-f:.]+\]|[\p{L}\p{N}._-]+)$/iu;

type Address = Pick<RedisServer, 'host' | 'port' | 'db'> & QueryOptions;

/** `host[:port][/db][?query]`, after the credentials. */
function parseAddress(text: string): Address | { error: string } {
  const match = ADDRESS.exec(text);
  if (!match) return { error: 'malformed host part' };
  const [, host = '', port, db, query, fragment] = match;
  if (fragment !== undefined) return { error: 'unexpected "#" after the host' };
  if (host === '') return { error: 'missing host (e.g. redis://localhost:6379)' };
  if (!HOST.test(host)) return { error: `invalid host "${host}"` };
  if (port !== undefined && !/^\d{1,5}$/.test(port)) return { error: `port "${port}" is not a number from 1 to 65535` };
  const portNumber = port === undefined ? 6379 : Number(port);
  if (portNumber < 1 || portNumber > 65535) return { error: `port ${portNumber} is not from 1 to 65535` };
  if (db && !/^\d+$/.test(db)) return { error: `database "${db}" is not a number (e.g. redis://localhost:6379/0)` };
  const options = parseQuery(query ?? '');
  if ('error' in options) return options;
  if (db && options.db !== undefined) return { error: 'database given twice (path and ?db=)' };
  return { db: db ? Number(db) : 0, ...options, host: host.replace(/^\[|\]$/g, ''), port: portNumber };
}

/** The query options ioredis used to take from a URL that a cache needs: `db`, `family`, `connectionName`. */
function parseQuery(query: string): QueryOptions | { error: string } {
  const options: QueryOptions = {};
  for (const [key, value] of new URLSearchParams(query)) {
    if (key === 'db' && /^\d+$/.test(value)) options.db = Number(value);
    else if (key === 'family' && (value === '4' || value === '6')) options.family = Number(value) as 4 | 6;
    else if (key === 'connectionName' && value !== '') options.connectionName = value;
    else if ((QUERY_OPTIONS as readonly string[]).includes(key)) return { error: `invalid ?${key}= value` };
    else return { error: `unknown query option "${key}" (supported: ${QUERY_OPTIONS.join(', ')})` };
  }
  return options;
}

/** `user:password` up to the last `@`; the user ends at the first `:`, the password may hold anything. */
function parseCredentials(userinfo: string): { username?: string; password?: string; rawPassword?: string } {
  const colon = userinfo.indexOf(':');
  const user = decode(colon < 0 ? userinfo : userinfo.slice(0, colon));
  const rawPassword = colon < 0 ? '' : userinfo.slice(colon + 1);
  return { ...(user && { username: user }), ...(rawPassword && { password: decode(rawPassword), rawPassword }) };
}

/** Percent-decoded, or as written when it is not valid percent-encoding (a raw `%` pasted as is). */
function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
