import { expect } from 'chai';
import fc from 'fast-check';
import {
  ConnectionDeadlines,
  type SweepBounds,
  type SweptCommand,
  type SweptQueue,
  sweepTick,
} from '../../src/client/connection-deadlines.js';

/** A queued command as ioredis has it: `isResolved` once answered; `reject` counted when the sweep calls it. */
class FakeCommand implements SweptCommand {
  isResolved = false;
  /** Answered by the server (a reply or an error reply): it left the queue. */
  answeredAt: number | undefined;
  rejections: number[] = [];

  constructor(
    readonly sentAt: number,
    private readonly clock: () => number,
  ) {}

  reject(): void {
    this.rejections.push(this.clock());
  }
}

/** A denque stand-in that counts reads, to check the sweep walks a stalled queue once. */
class FakeQueue implements SweptQueue {
  readonly items: { command: FakeCommand }[] = [];
  peeks = 0;

  get length(): number {
    return this.items.length;
  }

  peekAt(index: number): { command: FakeCommand } | undefined {
    this.peeks++;
    return this.items[index];
  }

  push(command: FakeCommand): void {
    this.items.push({ command });
  }

  /** The server answers the front command (`error`: an error reply, which leaves `isResolved` false). */
  answer(now: number, error = false): void {
    const item = this.items.shift();
    if (!item) return;
    item.command.answeredAt = now;
    item.command.isResolved = !error;
  }
}

class FakeConnection {
  commandQueue = new FakeQueue();
  offlineQueue = new FakeQueue();
  prevCommandQueue: FakeQueue | null = null;
  destroyed: number[] = [];
  stream: { destroy(error: Error): void } | null = { destroy: () => this.destroyed.push(this.now) };
  now = 0;
  nextSweep = 0;
  readonly clock = () => this.now;

  send(queue: FakeQueue = this.commandQueue): FakeCommand {
    const command = new FakeCommand(this.now, this.clock);
    queue.push(command);
    return command;
  }
}

const BOUNDS: SweepBounds = { commandTimeoutMs: 200, socketTimeoutMs: 10_000 };
const TICK = sweepTick(BOUNDS);

/** Advance the fake clock to `until`, sweeping every tick on the way (at whole multiples of the tick). */
function runUntil(connection: FakeConnection, deadlines: ConnectionDeadlines, until: number, tick = TICK): void {
  for (let at = connection.nextSweep; at <= until; at += tick) {
    connection.now = at;
    deadlines.sweep(connection, at);
    connection.nextSweep = at + tick;
  }
  connection.now = until;
}

describe('connection-deadlines: bounding queued commands without a timer each', () => {
  it('ticks about an eighth of the shorter timeout, 5–250 ms, dividing commandTimeout evenly', () => {
    expect(sweepTick({ commandTimeoutMs: 5000, socketTimeoutMs: 5000 })).to.equal(250);
    expect(sweepTick({ commandTimeoutMs: 1000, socketTimeoutMs: 5000 })).to.equal(125);
    expect(sweepTick({ commandTimeoutMs: 200, socketTimeoutMs: 300 })).to.equal(25);
    expect(sweepTick({ commandTimeoutMs: 30, socketTimeoutMs: 300 })).to.equal(5);
    expect(sweepTick({ commandTimeoutMs: 60_000, socketTimeoutMs: 3000 })).to.equal(250);
    expect(sweepTick({ commandTimeoutMs: 2001, socketTimeoutMs: 5000 })).to.equal(2001 / 9);
    expect(sweepTick({ commandTimeoutMs: 5000, socketTimeoutMs: 300 })).to.equal(5000 / 134); // ≤ 37.5, divides 5000
    expect(sweepTick({ commandTimeoutMs: 3, socketTimeoutMs: 5000 })).to.equal(3);
  });

  it('property: a command is rejected once, never before commandTimeout, and by commandTimeout + tick if unanswered', () => {
    const step = fc.record({
      dt: fc.integer({ min: 0, max: 40 }),
      send: fc.integer({ min: 0, max: 3 }),
      answer: fc.integer({ min: 0, max: 3 }),
      errorReply: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 120 }), (steps) => {
        const connection = new FakeConnection();
        const deadlines = new ConnectionDeadlines(BOUNDS);
        const sent: FakeCommand[] = [];
        for (const { dt, send, answer, errorReply } of steps) {
          runUntil(connection, deadlines, connection.now + dt);
          for (let i = 0; i < answer; i++) connection.commandQueue.answer(connection.now, errorReply && i === 0);
          for (let i = 0; i < send; i++) sent.push(connection.send());
        }
        runUntil(connection, deadlines, connection.now + BOUNDS.commandTimeoutMs + 2 * TICK);
        for (const command of sent) {
          const waited = (command.answeredAt ?? connection.now) - command.sentAt;
          expect(command.rejections.length).to.be.at.most(1);
          const [rejectedAt] = command.rejections;
          if (rejectedAt !== undefined) {
            expect(rejectedAt - command.sentAt).to.be.at.least(BOUNDS.commandTimeoutMs - 1);
            expect(rejectedAt - command.sentAt).to.be.at.most(BOUNDS.commandTimeoutMs + TICK);
            expect(command.answeredAt === undefined || command.answeredAt > rejectedAt).to.equal(true);
          } else {
            expect(waited, 'an unanswered command was rejected').to.be.below(BOUNDS.commandTimeoutMs + TICK);
          }
        }
      }),
    );
  });

  it('a stalled queue is walked once: each command rejected once, a few reads per command and per tick', () => {
    const connection = new FakeConnection();
    const deadlines = new ConnectionDeadlines(BOUNDS);
    const sent: FakeCommand[] = [];
    for (let ms = 0; ms < 1000; ms++) {
      runUntil(connection, deadlines, ms);
      for (let i = 0; i < 5; i++) sent.push(connection.send());
    }
    runUntil(connection, deadlines, 5000);
    expect(sent.every((command) => command.rejections.length === 1)).to.equal(true);
    const ticks = 5000 / TICK;
    expect(connection.commandQueue.peeks).to.be.below(2 * sent.length + 4 * ticks);
  });

  it('answered commands cost the sweep nothing but a look at the queue ends', () => {
    const connection = new FakeConnection();
    const deadlines = new ConnectionDeadlines(BOUNDS);
    for (let ms = 0; ms < 2000; ms++) {
      runUntil(connection, deadlines, ms);
      connection.commandQueue.answer(ms);
      connection.send();
    }
    const ticks = 2000 / TICK;
    expect(connection.commandQueue.peeks).to.be.at.most(3 * ticks);
  });

  it('an error reply is not a stall: the commands behind it are not rejected early', () => {
    const connection = new FakeConnection();
    const deadlines = new ConnectionDeadlines(BOUNDS);
    const failed = connection.send();
    runUntil(connection, deadlines, TICK); // noted at the queue's back
    connection.commandQueue.answer(TICK, true);
    const behind = connection.send();
    runUntil(connection, deadlines, BOUNDS.commandTimeoutMs + TICK);
    expect(failed.rejections).to.deep.equal([]);
    expect(behind.rejections).to.deep.equal([]);
    runUntil(connection, deadlines, BOUNDS.commandTimeoutMs + 3 * TICK);
    expect(behind.rejections).to.have.length(1);
  });

  it('a command keeps its deadline while it waits offline and when it moves to the command queue', () => {
    const connection = new FakeConnection();
    const deadlines = new ConnectionDeadlines(BOUNDS);
    const waiting = connection.send(connection.offlineQueue);
    runUntil(connection, deadlines, 100);
    // ready: ioredis writes the offline queue out, behind what it re-sends
    connection.offlineQueue.items.length = 0;
    connection.commandQueue.push(waiting);
    runUntil(connection, deadlines, BOUNDS.commandTimeoutMs + TICK);
    expect(waiting.rejections).to.have.length(1);
    expect(waiting.rejections[0]).to.be.within(BOUNDS.commandTimeoutMs - 1, BOUNDS.commandTimeoutMs + TICK);
    const offline = connection.send(connection.offlineQueue);
    runUntil(connection, deadlines, 2 * BOUNDS.commandTimeoutMs + 3 * TICK);
    expect(offline.rejections).to.have.length(1);
  });

  it('commands in flight when the connection dropped stay bounded in prevCommandQueue', () => {
    const connection = new FakeConnection();
    const deadlines = new ConnectionDeadlines(BOUNDS);
    const inFlight = [connection.send(), connection.send()];
    runUntil(connection, deadlines, 50);
    // close: ioredis keeps the queue as prevCommandQueue and starts a new one on connect
    connection.prevCommandQueue = connection.commandQueue;
    connection.commandQueue = new FakeQueue();
    runUntil(connection, deadlines, BOUNDS.commandTimeoutMs + TICK);
    expect(inFlight.map((command) => command.rejections.length)).to.deep.equal([1, 1]);
  });

  it('socketTimeout: the same command first for socketTimeout destroys the socket once, within one tick', () => {
    const bounds = { commandTimeoutMs: 200, socketTimeoutMs: 300 };
    const tick = sweepTick(bounds);
    const connection = new FakeConnection();
    const deadlines = new ConnectionDeadlines(bounds);
    // destroy → close: ioredis keeps the queue as prevCommandQueue, no socket until it reconnects
    const socket = () => ({
      destroy: () => {
        connection.destroyed.push(connection.now);
        connection.prevCommandQueue = connection.commandQueue;
        connection.commandQueue = new FakeQueue();
        connection.stream = null;
      },
    });
    connection.stream = socket();
    // replies keep coming: the queue is never empty, its head changes, the socket lives
    for (let ms = 0; ms < 2000; ms += 10) {
      runUntil(connection, deadlines, ms, tick);
      connection.commandQueue.answer(ms);
      connection.send();
      connection.send();
    }
    expect(connection.destroyed).to.deep.equal([]);
    const stalledAt = connection.now;
    runUntil(connection, deadlines, stalledAt + 1000, tick);
    expect(connection.destroyed).to.have.length(1);
    expect(connection.destroyed[0]! - stalledAt).to.be.within(bounds.socketTimeoutMs - 1, bounds.socketTimeoutMs + tick);
    // reconnected: a new socket, the same commands re-sent; their silence is counted afresh
    connection.stream = socket();
    connection.commandQueue = connection.prevCommandQueue!;
    connection.prevCommandQueue = null;
    const resentAt = connection.now;
    runUntil(connection, deadlines, resentAt + bounds.socketTimeoutMs + tick, tick);
    expect(connection.destroyed).to.have.length(2);
    expect(connection.destroyed[1]! - resentAt).to.be.within(bounds.socketTimeoutMs - 1, bounds.socketTimeoutMs + tick);
  });

  it('an idle connection (nothing awaiting a reply) is never destroyed', () => {
    const connection = new FakeConnection();
    const deadlines = new ConnectionDeadlines({ commandTimeoutMs: 200, socketTimeoutMs: 300 });
    runUntil(connection, deadlines, 10_000);
    expect(connection.destroyed).to.deep.equal([]);
  });
});
