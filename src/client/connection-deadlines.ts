/** The part of an ioredis `Command` the sweep uses. */
export interface SweptCommand {
  /** Set by ioredis once a reply resolved the command (not when it is rejected). */
  readonly isResolved: boolean;
  reject(error: Error): void;
}

/** The part of an ioredis queue (a denque of `{ command }`, oldest first) the sweep reads. */
export interface SweptQueue {
  readonly length: number;
  peekAt(index: number): { readonly command: SweptCommand } | undefined;
}

/**
 * What the sweep sees of one ioredis connection: `commandQueue` (written, awaiting a reply),
 * `offlineQueue` (waiting for the connection) and `prevCommandQueue` (in flight when it dropped,
 * re-sent once it is back), and the socket.
 */
export interface SweptConnection {
  readonly commandQueue: SweptQueue;
  readonly offlineQueue?: SweptQueue | undefined;
  readonly prevCommandQueue?: SweptQueue | null | undefined;
  readonly stream?: { destroy(error: Error): void } | null | undefined;
}

export interface SweepBounds {
  /** ms a command may wait for its reply, wherever it is queued. */
  readonly commandTimeoutMs: number;
  /** ms a connection may stay with the same command awaiting its reply before its socket is destroyed. */
  readonly socketTimeoutMs: number;
}

const MIN_TICK_MS = 5;
const MAX_TICK_MS = 250;
/** Node timers run on a whole-millisecond clock: an interval may measure a fraction short. */
const CLOCK_SLACK_MS = 1;

/**
 * ms between sweeps: about an eighth of the shorter timeout, within 5–250 ms (never above the
 * timeout itself), and dividing `commandTimeoutMs` evenly, so a command fails within its timeout
 * plus one tick. `socketTimeoutMs` gets the same bound when the tick divides it too (by default
 * the two are equal), else up to two ticks.
 */
export function sweepTick({ commandTimeoutMs, socketTimeoutMs }: SweepBounds): number {
  const shorter = Math.min(commandTimeoutMs, socketTimeoutMs);
  const most = Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, shorter / 8), shorter);
  return commandTimeoutMs / Math.ceil(commandTimeoutMs / most);
}

/** A command seen at the back of `queue` at time `at`: it, and everything in front of it, was queued by then. */
interface Sighting {
  readonly at: number;
  readonly command: SweptCommand;
  readonly queue: SweptQueue;
}

/**
 * The deadlines of one connection, checked by `sweep(connection, now)` every tick, with no timer or
 * allocation per command. Each sweep notes the newest command of each queue with the time; once a
 * note is `commandTimeoutMs` old and its command unanswered, every command from the queue's front
 * up to it has waited that long and is rejected (`Command timed out`, as ioredis does; the
 * connection is kept). A command that stays first in `commandQueue` for `socketTimeoutMs` means
 * the socket is silent: it is destroyed, as ioredis does, and the connection reconnects.
 */
export class ConnectionDeadlines {
  readonly #sightings: Sighting[] = [];
  /** The command last noted at each queue's back: a command is noted once, when first seen there. */
  readonly #newest = new WeakMap<SweptQueue, SweptCommand>();
  /** How far each queue has been rejected, so a stalled queue is walked once, not once per tick. */
  readonly #rejected = new WeakMap<SweptQueue, { index: number; command: SweptCommand }>();
  #head: SweptCommand | undefined;
  #headStream: SweptConnection['stream'];
  #headSince = 0;

  constructor(readonly bounds: SweepBounds) {}

  sweep(connection: SweptConnection, now: number): void {
    this.#expire(connection, now);
    this.#note(connection.commandQueue, now);
    if (connection.offlineQueue) this.#note(connection.offlineQueue, now);
    if (connection.prevCommandQueue) this.#note(connection.prevCommandQueue, now);
    this.#watchSocket(connection, now);
  }

  #note(queue: SweptQueue, now: number): void {
    const command = queue.peekAt(queue.length - 1)?.command;
    if (command === undefined || this.#newest.get(queue) === command) return;
    this.#newest.set(queue, command);
    this.#sightings.push({ at: now, command, queue });
  }

  #expire(connection: SweptConnection, now: number): void {
    const limit = now - this.bounds.commandTimeoutMs + CLOCK_SLACK_MS;
    const sightings = this.#sightings;
    while (sightings.length > 0 && sightings[0]!.at <= limit) {
      const { command, queue } = sightings.shift()!;
      // Answered (the healthy case, O(1)): so was everything in front of it.
      if (!command.isResolved) this.#rejectThrough(command, queue, connection);
    }
  }

  /** Reject `command` and every command in front of it, in the queue it is in now (it moves on a reconnect). */
  #rejectThrough(command: SweptCommand, seenIn: SweptQueue, connection: SweptConnection): void {
    if (this.#rejectIn(seenIn, command)) return;
    for (const queue of [connection.commandQueue, connection.offlineQueue, connection.prevCommandQueue]) {
      if (queue && queue !== seenIn && this.#rejectIn(queue, command)) return;
    }
    // Not queued any more: it had an error reply or was flushed, and so had everything before it.
  }

  #rejectIn(queue: SweptQueue, command: SweptCommand): boolean {
    const from = this.#rejectedUpTo(queue);
    const index = indexOf(queue, command, from);
    if (index < 0) return false;
    for (let i = from; i <= index; i++) {
      const waiting = queue.peekAt(i)!.command;
      if (!waiting.isResolved) waiting.reject(new Error('Command timed out'));
    }
    this.#rejected.set(queue, { index, command });
    return true;
  }

  /** The index after the last command already rejected in `queue` (0 if none is left there). */
  #rejectedUpTo(queue: SweptQueue): number {
    const mark = this.#rejected.get(queue);
    if (mark === undefined) return 0;
    // Commands leave a queue at its front only: the marked one is at its index or nearer the front.
    for (let i = Math.min(mark.index, queue.length - 1); i >= 0; i--) {
      if (queue.peekAt(i)?.command === mark.command) return i + 1;
    }
    return 0;
  }

  #watchSocket(connection: SweptConnection, now: number): void {
    const head = connection.commandQueue.peekAt(0)?.command;
    const stream = connection.stream;
    if (head !== this.#head || stream !== this.#headStream) {
      this.#head = head;
      this.#headStream = stream;
      this.#headSince = now;
      return;
    }
    const { socketTimeoutMs } = this.bounds;
    if (head === undefined || !stream || now - this.#headSince + CLOCK_SLACK_MS < socketTimeoutMs) return;
    this.#head = undefined;
    stream.destroy(new Error(`Socket timeout. Expecting data, but didn't receive any in ${socketTimeoutMs}ms.`));
  }
}

function indexOf(queue: SweptQueue, command: SweptCommand, from: number): number {
  for (let i = from; i < queue.length; i++) if (queue.peekAt(i)?.command === command) return i;
  return -1;
}
