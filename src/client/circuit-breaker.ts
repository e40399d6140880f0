/** Resolved breaker settings; `false` in the options turns the breaker off. */
export interface BreakerSettings {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** How long (ms) the cache is bypassed before one probe is let through. */
  cooldownMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Consecutive-failure circuit breaker. Open: every call is refused at once until `cooldownMs` has
 * passed; then one probe goes through (half-open) and its outcome closes or re-opens it.
 * The clock is a parameter so tests don't sleep.
 */
export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #probing = false;

  constructor(
    private readonly settings: BreakerSettings | false,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState {
    return this.#state;
  }

  /** May a command be sent now? In half-open, only one probe at a time is allowed. */
  allow(): boolean {
    if (this.#state === 'closed' || this.settings === false) return true;
    if (this.#state === 'open') {
      if (this.now() - this.#openedAt < this.settings.cooldownMs) return false;
      this.#state = 'half-open';
    }
    if (this.#probing) return false;
    this.#probing = true;
    return true;
  }

  /** @returns true when this success closed an open breaker (the cache recovered). */
  success(): boolean {
    this.#failures = 0;
    this.#probing = false;
    if (this.#state === 'closed') return false;
    this.#state = 'closed';
    return true;
  }

  /** @returns true when this failure opened the breaker (the cache degraded). */
  failure(): boolean {
    this.#probing = false;
    if (this.settings === false) return false;
    this.#failures++;
    if (this.#state === 'half-open' || (this.#state === 'closed' && this.#failures >= this.settings.failureThreshold)) {
      const opened = this.#state === 'closed';
      this.#state = 'open';
      this.#openedAt = this.now();
      return opened;
    }
    return false;
  }
}
