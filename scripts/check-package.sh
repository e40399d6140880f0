#!/usr/bin/env bash
# Pack the built library, install the tarball in a fresh consumer project, and use it from
# ESM (import) and CommonJS (require), type-checked against the shipped declarations.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=$(cd "$root" && npm pack --silent --pack-destination "$work" | tail -n 1)
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund "./$tarball" @types/node@20 >/dev/null
cat > esm.mjs <<'JS'
import { cacheManager, CacheService, buildCacheKey } from 'ts-rc';
cacheManager.init({ redisUrl: 'memory://' });
const users = new CacheService(cacheManager, 'users');
await users.set('1', { name: 'Ada' });
const back = await users.get('1');
if (back?.name !== 'Ada' || buildCacheKey('users', 1) !== 'cache:v1:users:1') throw new Error('esm: wrong result');
await cacheManager.close();
console.log('esm import ok');
JS
cat > cjs.cjs <<'JS'
const { cacheManager, CacheService, buildCacheKey } = require('ts-rc');
(async () => {
  cacheManager.init({ redisUrl: 'memory://' });
  const users = new CacheService(cacheManager, 'users');
  await users.set('1', { name: 'Ada' });
  const back = await users.get('1');
  if (back?.name !== 'Ada' || buildCacheKey('users', 1) !== 'cache:v1:users:1') throw new Error('cjs: wrong result');
  await cacheManager.close();
  console.log('cjs require ok');
})().catch((e) => { console.error(e); process.exit(1); });
JS
cat > types.ts <<'JS'
import { cacheManager, CacheService, buildCacheKey, type CacheEvent } from 'ts-rc';
const users: CacheService<{ name: string }> = cacheManager.service<{ name: string }>('users');
const key: string = buildCacheKey('users', 1);
const handler = (event: CacheEvent): number => event.durationMs;
cacheManager.on('hit', handler);
void users.get('1').then((u) => u?.name.toUpperCase());
void key;
JS
cat > tsconfig.json <<'JS'
{ "compilerOptions": { "strict": true, "module": "nodenext", "target": "es2022", "noEmit": true, "skipLibCheck": false, "types": ["node"] }, "files": ["types.ts"] }
JS
cat > tsconfig.cjs.json <<'JS'
{ "compilerOptions": { "strict": true, "module": "node16", "moduleResolution": "node16", "target": "es2022", "noEmit": true, "types": ["node"] }, "files": ["types.ts"] }
JS
node esm.mjs
node cjs.cjs
"$root/node_modules/.bin/tsc" -p tsconfig.json 2>&1 | head -20; test "${PIPESTATUS[0]}" -eq 0
node -e "const p=require('./package.json');p.type='commonjs';require('fs').writeFileSync('package.json',JSON.stringify(p))"
"$root/node_modules/.bin/tsc" -p tsconfig.cjs.json 2>&1 | head -20; test "${PIPESTATUS[0]}" -eq 0
echo "package: types resolve for ESM and CommonJS consumers"
