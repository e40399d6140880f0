#!/usr/bin/env bash
# Pack the built library, install the tarball in fresh consumer projects and use it as a user
# would: a production install without the optional peers; import and require, also both in one
# process; models; source maps; types with this repo's TypeScript and with the oldest supported
# one (skipLibCheck: false, both decorator flavours), with zod kept out of the consumer's program.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
oldest_ts=$(node -p "require('$root/package.json').peerDependencies.typescript.replace(/^>=/, '')")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=$(cd "$root" && npm pack --silent --pack-destination "$work" | tail -n 1)
install() { npm install --no-audit --no-fund "$@" >/dev/null; }
tsc_ok() { # tsc_ok TSC PROJECT: type-check, show the first errors, fail on any
  "$1" -p "$2" 2>&1 | head -20
  test "${PIPESTATUS[0]}" -eq 0
}

mkdir "$work/app" && cd "$work/app"
npm init -y >/dev/null && npm pkg set type=module
cp "$root"/scripts/consumer/* .

# A production install: ts-rc, zod and ioredis (a peer npm installs), none of the optional peers.
install "../$tarball"
for optional in ioredis-mock fengari class-transformer reflect-metadata; do
  if [ -e "node_modules/$optional" ]; then echo "package: a production install carries $optional" >&2; exit 1; fi
done
echo "package: production install $(du -sh node_modules | cut -f1) ($(npm ls --all --parseable 2>/dev/null | tail -n +2 | wc -l) packages)"
node missing-peers.mjs

# With the optional peers, as a project using memory:// in tests and class models.
install ioredis-mock class-transformer reflect-metadata @types/node@20
node esm.mjs
node cjs.cjs
node dual.mjs
node models.mjs
node --enable-source-maps maps.mjs

tsc="$root/node_modules/.bin/tsc"
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "strict": true, "module": "nodenext", "target": "es2022", "noEmit": true, "skipLibCheck": false, "types": ["node"] }, "files": ["types.ts"] }
JSON
cat > tsconfig.cjs.json <<'JSON'
{ "compilerOptions": { "strict": true, "module": "node16", "moduleResolution": "node16", "target": "es2022", "noEmit": true, "types": ["node"] }, "files": ["types.ts"] }
JSON
tsc_ok "$tsc" tsconfig.json
if "$tsc" -p tsconfig.json --listFiles | grep '/node_modules/zod/'; then
  echo "package: ts-rc's declarations pull zod into a consumer's type-check: mark the zod-typed export @internal" >&2
  exit 1
fi
npm pkg set type=commonjs
tsc_ok "$tsc" tsconfig.cjs.json
echo "package: types resolve for ESM and CommonJS consumers, without zod's declarations"

# The oldest supported TypeScript, with the libraries such a project can use (zod 4 itself needs
# TypeScript 5.5, so zod 3 here: any Standard Schema is a model).
mkdir "$work/oldest" && cd "$work/oldest"
npm init -y >/dev/null && npm pkg set type=module
cp "$root"/scripts/consumer/api*.ts .
install "../$tarball" zod@3 class-transformer reflect-metadata @types/node@20 "typescript@$oldest_ts"
common='"strict": true, "module": "nodenext", "target": "es2022", "noEmit": true, "skipLibCheck": false, "types": ["node"]'
echo "{ \"compilerOptions\": { $common, \"experimentalDecorators\": true, \"emitDecoratorMetadata\": true }, \"files\": [\"api.ts\", \"api-legacy.ts\"] }" > tsconfig.legacy.json
echo "{ \"compilerOptions\": { $common }, \"files\": [\"api.ts\"] }" > tsconfig.tc39.json
tsc_ok node_modules/.bin/tsc tsconfig.legacy.json
tsc_ok node_modules/.bin/tsc tsconfig.tc39.json
echo "package: TypeScript $(node_modules/.bin/tsc -v | cut -d' ' -f2) type-checks the public API (skipLibCheck: false), legacy and TC39 decorators"

# The framework subpaths, in a project of their own: first without any framework installed (the
# subpaths are optional peers), then with the versions this repo tests.
mkdir "$work/frameworks" && cd "$work/frameworks"
npm init -y >/dev/null
install "../$tarball" ioredis-mock @types/node@20
node -e "require('ts-rc/nestjs')" 2>/dev/null && { echo "package: ts-rc/nestjs loaded without @nestjs/common?"; exit 1; }
# ts-rc/nestjs, with the Nest versions the project tests (npm checks them against the peer range).
version() { node -p "require('$root/node_modules/$1/package.json').version"; }
npm install --no-audit --no-fund "@nestjs/common@$(version @nestjs/common)" "@nestjs/core@$(version @nestjs/core)" \
  "rxjs@$(version rxjs)" "reflect-metadata@$(version reflect-metadata)" >/dev/null
cat > nest.cjs <<'JS'
// An app context as a Nest app builds one: the module initialises the default manager and closes it.
require('reflect-metadata');
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { CacheManager, cacheManager } = require('ts-rc');
const { TsRcHealthIndicator, TsRcModule } = require('ts-rc/nestjs');
class AppModule {}
Module({ imports: [TsRcModule.forRoot({ redisUrl: 'memory://' })] })(AppModule);
(async () => {
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  if (app.get(CacheManager) !== cacheManager) throw new Error('nest: CacheManager is not the default cacheManager');
  const health = await app.get(TsRcHealthIndicator).isHealthy();
  if (health.redis.status !== 'up') throw new Error(`nest: health ${JSON.stringify(health)}`);
  await app.close();
  if (cacheManager.options !== undefined) throw new Error('nest: app.close() did not close the manager');
  console.log(`${process.argv[2] ?? 'cjs require'} of ts-rc/nestjs ok`);
})().catch((e) => { console.error(e); process.exit(1); });
JS
sed -e "s/^require('reflect-metadata');/import 'reflect-metadata';/" \
  -e "s/^const \(.*\) = require(\(.*\));$/import \1 from \2;/" -e "s/process.argv\[2\] ?? 'cjs require'/'esm import'/" nest.cjs > nest.mjs
node nest.cjs
node nest.mjs
cat > nest-types.ts <<'JS'
import { CacheService, Cached } from 'ts-rc';
import { InjectCacheService, TsRcHealthIndicator, TsRcModule, type TsRcHealthResult } from 'ts-rc/nestjs';
class User { id = ''; }
export class UserRepository {
  constructor(@InjectCacheService('users') readonly users: CacheService<User>, readonly health: TsRcHealthIndicator) {}
  @Cached({ key: (id: string) => id, model: User })
  async findById(id: string): Promise<User | null> { return null; }
  check(): Promise<TsRcHealthResult<'cache'>> { return this.health.isHealthy('cache'); }
}
export const modules = [
  TsRcModule.forRoot({ redisUrl: 'memory://' }),
  TsRcModule.forRootAsync({ inject: ['CONFIG'], useFactory: (config: { url: string }) => ({ redisUrl: config.url }) }),
  TsRcModule.forFeature([{ namespace: 'users', model: User, defaultTtl: 600 }]),
];
JS
# A Nest project as `nest new` made them for years: CommonJS, moduleResolution node10, TypeScript 5.x.
cat > tsconfig.nest.json <<'JS'
{ "compilerOptions": { "strict": true, "module": "commonjs", "target": "es2022", "noEmit": true, "experimentalDecorators": true, "emitDecoratorMetadata": true, "skipLibCheck": true, "types": ["node"] }, "files": ["nest-types.ts"] }
JS
node "$root/node_modules/typescript-5/bin/tsc" -p tsconfig.nest.json 2>&1 | head -20; test "${PIPESTATUS[0]}" -eq 0
node -e "const c=require('./tsconfig.nest.json');Object.assign(c.compilerOptions,{module:'node16',moduleResolution:'node16'});require('fs').writeFileSync('tsconfig.nest16.json',JSON.stringify(c))"
"$root/node_modules/.bin/tsc" -p tsconfig.nest16.json 2>&1 | head -20; test "${PIPESTATUS[0]}" -eq 0
cp nest-types.ts nest-types.mts
node -e "const c=require('./tsconfig.nest16.json');Object.assign(c.compilerOptions,{module:'nodenext',moduleResolution:'nodenext'});c.files=['nest-types.mts'];require('fs').writeFileSync('tsconfig.nest-esm.json',JSON.stringify(c))"
"$root/node_modules/.bin/tsc" -p tsconfig.nest-esm.json 2>&1 | head -20; test "${PIPESTATUS[0]}" -eq 0
echo "package: ts-rc/nestjs types resolve for CommonJS (node10 with TypeScript 5.9, node16) and ESM consumers"
# The subpaths. Everything above ran with neither optional peer installed (npm installs optional
# peers only when asked): the main entry must never need them.
for peer in fastify @opentelemetry/api; do
  if node -e "require.resolve('$peer/package.json')" 2>/dev/null || [ -d "node_modules/$peer" ]; then
    echo "package: $peer was installed with ts-rc; it must stay an optional peer" >&2
    exit 1
  fi
done
node -e "const p=require('./package.json');p.type='module';require('fs').writeFileSync('package.json',JSON.stringify(p))"
npm install --no-audit --no-fund fastify@5 @opentelemetry/api@1.9 >/dev/null 2>&1
cat > esm-integrations.mjs <<'JS'
import Fastify from 'fastify';
import { CacheManager } from 'ts-rc';
import { tsRcPlugin } from 'ts-rc/fastify';
import { instrumentCache } from 'ts-rc/opentelemetry';
const app = Fastify();
await app.register(tsRcPlugin, { redisUrl: 'memory://' });
const stop = instrumentCache(app.cacheManager);
let loads = 0;
app.get('/n', () => app.cacheManager.service('n').getOrSet('1', async () => ({ loads: ++loads })));
const [a, b] = [await app.inject('/n'), await app.inject('/n')];
if (loads !== 1 || a.json().loads !== 1 || b.json().loads !== 1) throw new Error('esm: no hit after the miss');
if (!(app.cacheManager instanceof CacheManager)) throw new Error('esm: app.cacheManager is not a CacheManager');
stop();
await app.close();
if (app.cacheManager.isAvailable) throw new Error('esm: app.close() left the manager open');
console.log('esm import of ts-rc/fastify and ts-rc/opentelemetry ok');
JS
cat > cjs-integrations.cjs <<'JS'
const fastify = require('fastify');
const { CacheManager } = require('ts-rc');
const { tsRcPlugin } = require('ts-rc/fastify');
const { instrumentCache } = require('ts-rc/opentelemetry');
(async () => {
  const manager = new CacheManager().init({ redisUrl: 'memory://' });
  const app = fastify();
  await app.register(tsRcPlugin, { manager });
  const stop = instrumentCache(manager);
  let loads = 0;
  app.get('/n', () => app.cacheManager.service('n').getOrSet('1', async () => ({ loads: ++loads })));
  const [a, b] = [await app.inject('/n'), await app.inject('/n')];
  if (loads !== 1 || a.json().loads !== 1 || b.json().loads !== 1) throw new Error('cjs: no hit after the miss');
  stop();
  await app.close();
  if (!manager.isAvailable) throw new Error('cjs: app.close() closed a manager passed in');
  await manager.close();
  console.log('cjs require of ts-rc/fastify and ts-rc/opentelemetry ok');
})().catch((e) => { console.error(e); process.exit(1); });
JS
cat > types-integrations.ts <<'JS'
import { fastify } from 'fastify';
import { cacheManager } from 'ts-rc';
import { tsRcPlugin, type TsRcPluginOptions } from 'ts-rc/fastify';
import { type InstrumentCacheOptions, instrumentCache } from 'ts-rc/opentelemetry';
const app = fastify();
const options: TsRcPluginOptions = { redisUrl: 'memory://', logger: app.log };
void app.register(tsRcPlugin, options);
void app.register(tsRcPlugin, { manager: cacheManager });
// Declaration merging: app.cacheManager is typed wherever ts-rc/fastify is imported.
app.get('/u', async () => (await app.cacheManager.service<{ name: string }>('users').get('1'))?.name.toUpperCase());
const telemetry: InstrumentCacheOptions = { recordKeys: false };
const stop: () => void = instrumentCache(cacheManager, telemetry);
stop();
JS
cat > tsconfig.integrations.json <<'JS'
{ "compilerOptions": { "strict": true, "module": "nodenext", "target": "es2022", "noEmit": true, "skipLibCheck": false, "types": ["node"] }, "files": ["types-integrations.ts"] }
JS
cat > tsconfig.integrations-cjs.json <<'JS'
{ "compilerOptions": { "strict": true, "module": "node16", "moduleResolution": "node16", "target": "es2022", "noEmit": true, "skipLibCheck": false, "types": ["node"] }, "files": ["types-integrations.ts"] }
JS
node esm-integrations.mjs
node cjs-integrations.cjs
"$root/node_modules/.bin/tsc" -p tsconfig.integrations.json 2>&1 | head -20; test "${PIPESTATUS[0]}" -eq 0
node -e "const p=require('./package.json');p.type='commonjs';require('fs').writeFileSync('package.json',JSON.stringify(p))"
"$root/node_modules/.bin/tsc" -p tsconfig.integrations-cjs.json 2>&1 | head -20; test "${PIPESTATUS[0]}" -eq 0
echo "package: ts-rc/fastify and ts-rc/opentelemetry import, require and type-check; the main entry needs neither"
