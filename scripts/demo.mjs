// Run every examples/0*_*.ts in order, compiled to .build/examples by `npm run demo`, on
// memory:// (or on REDIS_URL when set). Stops at the first example that fails.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const examples = readdirSync(new URL('../examples', import.meta.url))
  .filter((file) => /^0\d*_.*\.ts$/.test(file))
  .sort();

console.log(`ts-rc demo on ${process.env.REDIS_URL ?? 'memory://'}: ${examples.length} examples\n`);
for (const example of examples) {
  const compiled = `.build/examples/examples/${example.replace(/\.ts$/, '.js')}`;
  if (!existsSync(new URL(`../${compiled}`, import.meta.url))) {
    console.error(`demo: ${compiled} is missing: run \`npm run demo\` (it compiles the examples first)`);
    process.exit(1);
  }
  const run = spawnSync(process.execPath, [compiled], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`demo: ${example} failed (exit ${run.status ?? run.signal})`);
    process.exit(1);
  }
  console.log();
}
console.log('demo: all examples ran');
