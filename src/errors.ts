/**
 * Every failure ts-rc reports is a `CacheError` with a stable `code` and the original `cause`.
 * Programmer errors (bad options, bad namespace, use before init) are thrown; Redis and
 * (de)serialisation failures are reported through the manager's `'error'` event instead.
 */
export class CacheError extends Error {
  /** Stable machine-readable code, one per error class. */
  readonly code: CacheErrorCode;

  constructor(code: CacheErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The stable `code` of every `CacheError`, one per class. */
export type CacheErrorCode =
  | 'E_CACHE_CONFIG'
  | 'E_CACHE_NOT_INITIALIZED'
  | 'E_CACHE_ALREADY_INITIALIZED'
  | 'E_CACHE_KEY'
  | 'E_CACHE_CONNECTION'
  | 'E_CACHE_SERIALIZATION'
  | 'E_CACHE_DECODE'
  | 'E_CACHE_FACTORY'
  | 'E_CACHE_REPLICATION';

/** Options failed validation; the message names every offending field. */
export class CacheConfigError extends CacheError {
  /** One entry per offending field: `path` (e.g. `socketTimeout`) and what was expected. */
  readonly issues: readonly { path: string; message: string }[];

  constructor(context: string, issues: readonly { path: string; message: string }[]) {
    const lines = issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n');
    super('E_CACHE_CONFIG', `Invalid ${context}:\n${lines}`);
    this.issues = issues;
  }
}

/** The manager was used (e.g. `client`) before `init()` or `useClient()`, or after `close()`. */
export class CacheNotInitializedError extends CacheError {
  constructor(what = 'cacheManager') {
    super('E_CACHE_NOT_INITIALIZED', `${what} is not initialised: call init({ redisUrl }) or useClient(client) first`);
  }
}

/** `init()` or `useClient()` on a manager that already has a client: `close()` it first. */
export class CacheAlreadyInitializedError extends CacheError {
  constructor(what: string) {
    super('E_CACHE_ALREADY_INITIALIZED', `cacheManager ${what}: call close() first`);
  }
}

/** A namespace, prefix, version or identifier that would break the key structure. */
export class CacheKeyError extends CacheError {
  constructor(message: string) {
    super('E_CACHE_KEY', message);
  }
}

/** A Redis command failed, timed out or could not be sent. `cause` is the original error. */
export class CacheConnectionError extends CacheError {
  /** The command that failed (`GET`, `SET`, `SCAN`…): a failure of writes alone tells a different story than an outage. */
  readonly operation: string;

  constructor(operation: string, cause: unknown) {
    super('E_CACHE_CONNECTION', `Redis ${operation} failed: ${describe(cause)}`, { cause });
    this.operation = operation;
  }
}

/** A value could not be encoded (circular, BigInt, too large, failed its schema on write). */
export class CacheSerializationError extends CacheError {
  constructor(message: string, cause?: unknown) {
    super('E_CACHE_SERIALIZATION', message, { cause });
  }
}

/** A cached entry could not be decoded (corrupt JSON, failed schema, not revivable): a miss. */
export class CacheDecodeError extends CacheError {
  constructor(key: string, cause?: unknown) {
    super('E_CACHE_DECODE', `Cached entry ${key} is invalid and was removed: ${describe(cause)}`, {
      cause,
    });
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/** The factory failed (or was slower than `softTimeout`) and a stale value was served, or a background refresh failed. */
export class CacheFactoryError extends CacheError {
  constructor(key: string, cause: unknown) {
    super('E_CACHE_FACTORY', `Loading ${key} failed: ${describe(cause)}`, { cause });
  }
}

/**
 * With `replicaAcks`: an eviction or explicit write reached fewer replicas than asked within the
 * WAIT timeout. It did happen on the master and the call resolved as usual; until a replica has
 * it, a failover may undo it (the old value could be served again).
 */
export class CacheReplicationError extends CacheError {
  /** The command whose WAIT fell short (`DEL`, `SET`, `UNLINK`…). */
  readonly operation: string;
  /** Replicas that acknowledged (the fewest, when the call wrote on several connections). */
  readonly acknowledged: number;
  /** Replicas asked for (`replicaAcks.replicas`). */
  readonly replicas: number;

  constructor(operation: string, acknowledged: number, replicas: number, timeoutMs: number) {
    super(
      'E_CACHE_REPLICATION',
      `Redis ${operation} was acknowledged by ${acknowledged} of ${replicas} replicas within ${timeoutMs} ms ` +
        '(replicaAcks): it happened on the master, but a failover before a replica has it may undo it',
    );
    this.operation = operation;
    this.acknowledged = acknowledged;
    this.replicas = replicas;
  }
}
