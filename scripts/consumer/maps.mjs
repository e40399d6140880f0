// Every source map shipped (for the .js and the .d.ts) points at a file that is in the package,
// and a stack trace under --enable-source-maps names the TypeScript source line.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { buildCacheKey } from 'ts-rc';

const pkg = 'node_modules/ts-rc';
let maps = 0;
for (const file of readdirSync(join(pkg, 'dist'), { recursive: true, encoding: 'utf8' })) {
  if (!file.endsWith('.map')) continue;
  maps++;
  const map = JSON.parse(readFileSync(join(pkg, 'dist', file), 'utf8'));
  for (const source of map.sources) {
    const path = resolve(dirname(join(pkg, 'dist', file)), map.sourceRoot ?? '', source);
    assert.ok(existsSync(path), `${file} points at ${source}, which is not in the package`);
  }
}
assert.ok(maps > 0, 'no source maps shipped');

try {
  buildCacheKey('', 1);
  assert.fail('buildCacheKey accepted an empty namespace');
} catch (error) {
  assert.match(error.stack, /node_modules\/ts-rc\/src\/core\/keys\.ts:\d+/, 'the stack names src/core/keys.ts');
}
console.log(`source maps: ${maps} maps, every source shipped; stacks name src/*.ts`);
