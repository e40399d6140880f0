/** `promise`, or a rejection after `ms` if it takes longer (the timer is cleared either way). */
export function withTimeout<R>(promise: Promise<R>, ms: number, what = 'Command'): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** What `raceTimeout` resolves with when the time ran out first. */
export const TIMED_OUT: unique symbol = Symbol('ts-rc.timed-out');

/** `promise`'s outcome, or `TIMED_OUT` after `ms` (its rejection still rejects). */
export function raceTimeout<R>(promise: Promise<R>, ms: number): Promise<R | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A pause whose timer never keeps the process alive. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
