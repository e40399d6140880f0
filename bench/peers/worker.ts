/**
 * One contender in its own process, for one round: `node worker.js <contender id> <round>`.
 * Sets up and seeds its hit entries (through the library itself), says 'ready', then runs each
 * scenario the runner asks for (a warm-up first, unmeasured) and answers with its figures; on
 * 'stop' it removes its keys and exits.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { sampleUser } from '../fixture.js';
import { runRound } from '../harness.js';
import type { Loader, PeerAdapter } from './adapter.js';
import { CONTENDERS } from './contenders.js';
import {
  type FromWorker,
  HIT_IDS,
  type Scenario,
  SIZES,
  STAMPEDE_CALLERS,
  STAMPEDE_LOADER_MS,
  type Stampede,
  type Timing,
  type ToWorker,
} from './scenarios.js';

const [contenderId, roundArg] = process.argv.slice(2);
const info = CONTENDERS.find((c) => c.id === contenderId);
if (!info || roundArg === undefined || !process.send) throw new Error('usage: forked by run.js with <contender id> <round>');
const round = roundArg;
const send = (message: FromWorker) => process.send!(message);

const instant: Loader = () => Promise.resolve(sampleUser());
const hitIds = Array.from({ length: HIT_IDS }, (_, i) => `u-${i}`);
let hits = 0;
let misses = 0;
let stampedes = 0;

/** One measured pass of a scenario, after an unmeasured one when `warmUp` (JIT, connections, scripts). */
async function timed(adapter: PeerAdapter, scenario: Exclude<Scenario, 'stampede'>, warmUp: boolean): Promise<Timing> {
  const { concurrency, ops, warmUpOps } = SIZES[scenario];
  const op =
    scenario === 'miss-set' ? () => adapter.miss(`m${round}-${misses++}`, instant) : () => adapter.hit(hitIds[hits++ % HIT_IDS]!);
  if (warmUp) await runRound(op, { concurrency, ops: warmUpOps, rounds: 1 });
  const [usPerOp, cpuUsPerOp] = await runRound(op, { concurrency, ops, rounds: 1 });
  if (scenario === 'miss-set') await adapter.hit(`m${round}-${misses - 1}`); // the last miss was stored
  return { usPerOp, cpuUsPerOp };
}

/** Many callers at once on one cold id, with a slow loader. */
async function stampede(adapter: PeerAdapter, id: string): Promise<Stampede> {
  let loaderCalls = 0;
  const loader: Loader = async () => {
    loaderCalls++;
    await sleep(STAMPEDE_LOADER_MS);
    return sampleUser();
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: STAMPEDE_CALLERS }, () => adapter.stampede(id, loader)));
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  await adapter.hit(id);
  return { loaderCalls, ms };
}

async function main(adapter: PeerAdapter): Promise<void> {
  await adapter.setup();
  for (let i = 0; i < HIT_IDS; i += 64) await Promise.all(hitIds.slice(i, i + 64).map((id) => adapter.miss(id, instant)));
  await Promise.all(hitIds.map((id) => adapter.hit(id))); // every entry reads back as a hit
  send({ kind: 'ready' });
  for await (const message of messages()) {
    if (message.kind === 'stop') break;
    if (message.scenario === 'stampede') {
      if (message.warmUp) await stampede(adapter, `w${round}`); // on another cold id
      send({ kind: 'stampede', stampede: await stampede(adapter, `s${round}-${stampedes++}`) });
    } else {
      send({ kind: 'timing', timing: await timed(adapter, message.scenario, message.warmUp) });
    }
  }
  await adapter.teardown();
  send({ kind: 'stopped' }); // the runner then closes the channel, and this process ends
}

/** The runner's messages, one at a time. */
async function* messages(): AsyncGenerator<ToWorker> {
  const queue: ToWorker[] = [];
  let wake: (() => void) | undefined;
  process.on('message', (message: ToWorker) => {
    queue.push(message);
    wake?.();
  });
  for (;;) {
    while (queue.length > 0) yield queue.shift()!;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
}

try {
  await main((await info.load()).create());
} catch (error) {
  send({ kind: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
}
