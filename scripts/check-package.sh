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
