// Run the examples (examples/0*_*.ts, compiled to .build/examples by `npm run demo`) in order, on
// memory:// or on REDIS_URL when set. Arguments pick examples by the start of their file name
// (`npm run demo -- 03 08`); none runs them all. Stops at the first example that fails. On a
// real Redis it then removes every key the examples wrote: their entries, and the eviction
// fences that outlive an eviction (by 60 s).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

const root = fileURLToPath(new URL('..', import.meta.url));
const wanted = process.argv.slice(2);
const examples = readdirSync(new URL('../examples', import.meta.url))
  .filter((file) => /^0\d*_.*\.ts$/.test(file))
  .filter((file) => wanted.length === 0 || wanted.some((start) => file.startsWith(start)))
  .sort();
/** Where the examples keep their keys: services under the prefix `ts-rc-example`, decorated namespaces named `example-…`. */
const EXAMPLE_KEYS = ['ts-rc-example:*', 'ts-rc-example~:*', 'cache:v1:example-*', 'cache~:?:v1:example-*'];
const redisUrl = process.env.REDIS_URL;

if (examples.length === 0) {
  console.error(`demo: no example starts with ${wanted.join(' or ')}`);
  process.exit(1);
}
console.log(`ts-rc demo on ${redisUrl ?? 'memory://'}: ${examples.length} example${examples.length === 1 ? '' : 's'}\n`);
let failed = false;
for (const example of examples) {
  const compiled = `.build/examples/examples/${example.replace(/\.ts$/, '.js')}`;
  if (!existsSync(new URL(`../${compiled}`, import.meta.url))) {
    console.error(`demo: ${compiled} is missing: run \`npm run demo\` (it compiles the examples first)`);
    process.exit(1);
  }
  const run = spawnSync(process.execPath, [compiled], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`demo: ${example} failed (exit ${run.status ?? run.signal})`);
    failed = true;
    break;
  }
  console.log();
}
if (redisUrl !== undefined && !redisUrl.startsWith('memory://')) await removeExampleKeys(redisUrl);
if (failed) process.exit(1);
console.log(`demo: ${examples.length === 1 ? 'the example' : 'all examples'} ran`);

/** SCAN + UNLINK every key under EXAMPLE_KEYS; fails the demo if any is left. */
async function removeExampleKeys(url) {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let removed = 0;
    for (const pattern of EXAMPLE_KEYS) removed += await unlinkMatching(redis, pattern);
    let left = 0;
    for (const pattern of EXAMPLE_KEYS) left += await unlinkMatching(redis, pattern, false);
    console.log(`demo: removed ${removed} keys the examples left in Redis (entries, fences)`);
    if (left > 0) {
      console.error(`demo: ${left} example keys are still in Redis`);
      failed = true;
    }
  } finally {
    redis.disconnect();
  }
}

async function unlinkMatching(redis, pattern, unlink = true) {
  let count = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    count += keys.length;
    if (unlink && keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
  return count;
}
