import type { CacheEvent, CacheEvents } from '../client/events.js';
import { CacheConnectionError, type CacheError } from '../errors.js';

/**
 * Where a manager writes the failures nobody listens for: `console`, a pino or winston logger, or
 * any object with `warn` and `error` methods. Each is called with one line of text.
 */
export interface CacheLogger {
  warn(message: string): void;
  error(message: string): void;
  /** Used for `'recovered'`; `warn` when absent. */
  info?(message: string): void;
}

/** True for `console`, pino, winston…: anything with `warn` and `error` methods. */
export function isCacheLogger(value: unknown): value is CacheLogger {
  const candidate = value as Partial<CacheLogger> | null;
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    candidate !== null &&
    typeof candidate.warn === 'function' &&
    typeof candidate.error === 'function'
  );
}

/**
 * Failures that won't go away by themselves (a missing `init()`, a value that can't be stored,
 * entries that no longer decode) are logged with `error`; the others with `warn`.
 */
const ADVICE: Partial<Record<CacheError['code'], { level: 'warn' | 'error'; advice: string }>> = {
  E_CACHE_CONNECTION: {
    level: 'warn',
    advice: 'cache calls go to the source meanwhile; check that Redis is up and reachable at `redisUrl`',
  },
  E_CACHE_NOT_INITIALIZED: { level: 'error', advice: 'the call ran uncached' },
  E_CACHE_DECODE: {
    level: 'error',
    advice: 'such entries read as misses; if the model changed, change the service `version`',
  },
  E_CACHE_SERIALIZATION: { level: 'error', advice: 'such values are returned to the caller but not cached' },
  E_CACHE_FACTORY: { level: 'warn', advice: 'callers were served the cached value; the factory is yours to fix' },
  E_CACHE_REPLICATION: {
    level: 'warn',
    advice:
      'the call resolved as usual; check that the replicas are up and linked (INFO replication), or lower replicaAcks.replicas',
  },
};

/**
 * The manager's default logging, installed as a listener on its events: the first failure of
 * each kind is logged as one line (what happened, what to change), later ones only counted in
 * `stats().errors`; `'degraded'` and `'recovered'` are logged each time. A kind is the error's
 * `code`, plus the failed command for Redis errors (an outage and writes refused by an ACL read
 * differently) and the namespace for data errors (one model's problem). Messages arrive redacted.
 */
export class FailureLogger {
  #target: CacheLogger | false = false;
  readonly #seen = new Set<string>();
  #degradedAt: number | undefined;

  constructor(
    private readonly events: CacheEvents,
    target: CacheLogger | false = console,
  ) {
    this.use(target);
  }

  /** Log to `target` from now on (`false`: stop listening), with every kind unseen again. */
  use(target: CacheLogger | false): void {
    this.#seen.clear();
    this.#degradedAt = undefined;
    if (target !== false && this.#target === false) this.#listen('on');
    if (target === false && this.#target !== false) this.#listen('off');
    this.#target = target;
  }

  #listen(how: 'on' | 'off'): void {
    this.events[how]('error', this.#failed)[how]('degraded', this.#degraded)[how]('recovered', this.#recovered);
  }

  readonly #failed = ({ error, namespace }: CacheEvent): void => {
    if (!error || this.#target === false) return;
    const kind = kindOf(error, namespace);
    if (this.#seen.has(kind)) return;
    this.#seen.add(kind);
    const { level, advice } = ADVICE[error.code] ?? { level: 'warn', advice: 'the cache was bypassed for that call' };
    const where = namespace === undefined ? '' : ` (namespace ${JSON.stringify(namespace)})`;
    this.#target[level](
      line(
        `${error.code}${where}: ${error.message.replace(/\.$/, '')}; ${advice}. Logged once: later ones are counted in stats().errors`,
      ),
    );
  };

  readonly #degraded = ({ error }: CacheEvent): void => {
    if (this.#target === false) return;
    this.#degradedAt = performance.now();
    const last = error ? ` (last: ${error.message})` : '';
    this.#target.warn(
      line(
        `degraded: repeated Redis failures opened the circuit breaker${last}; cache calls go to the source until Redis answers`,
      ),
    );
  };

  readonly #recovered = (): void => {
    if (this.#target === false) return;
    const after = this.#degradedAt === undefined ? '' : ` after ${((performance.now() - this.#degradedAt) / 1000).toFixed(1)} s`;
    this.#degradedAt = undefined;
    const target = this.#target;
    (target.info ?? target.warn).call(target, line(`recovered: Redis answers again${after}; caching resumed`));
  };
}

function kindOf(error: CacheError, namespace: string | undefined): string {
  if (error instanceof CacheConnectionError) return `${error.code} ${error.operation}`;
  if (error.code === 'E_CACHE_NOT_INITIALIZED') return error.code;
  return `${error.code} ${namespace ?? ''}`;
}

/** One line, whatever a cause's message holds. */
function line(text: string): string {
  return `[ts-rc] ${text.replace(/\s*[\r\n]+\s*/g, ' ')}`;
}
