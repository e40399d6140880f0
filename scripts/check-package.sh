#!/usr/bin/env bash
# Pack the built library, install the tarball in a fresh consumer project, and use it as a user
# would: from ESM (import) and CommonJS (require), both in one process, type-checked against the
# shipped declarations.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=$(cd "$root" && npm pack --silent --pack-destination "$work" | tail -n 1)
cd "$work"
npm init -y >/dev/null
npm pkg set type=module
cp "$root"/scripts/consumer/* .

# A production install: ts-rc, zod and ioredis (a peer npm installs), none of the optional peers.
npm install --no-audit --no-fund "./$tarball" >/dev/null
for optional in ioredis-mock fengari class-transformer reflect-metadata; do
  if [ -e "node_modules/$optional" ]; then echo "package: a production install carries $optional" >&2; exit 1; fi
done
echo "package: production install $(du -sh node_modules | cut -f1) ($(npm ls --all --parseable 2>/dev/null | tail -n +2 | wc -l) packages)"
node missing-peers.mjs

# With the optional peers, as a project using memory:// in tests and class models.
npm install --no-audit --no-fund ioredis-mock class-transformer reflect-metadata @types/node@20 >/dev/null

node esm.mjs
node cjs.cjs
node dual.mjs
node --enable-source-maps maps.mjs

cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "strict": true, "module": "nodenext", "target": "es2022", "noEmit": true, "skipLibCheck": false, "types": ["node"] }, "files": ["types.ts"] }
JSON
cat > tsconfig.cjs.json <<'JSON'
{ "compilerOptions": { "strict": true, "module": "node16", "moduleResolution": "node16", "target": "es2022", "noEmit": true, "types": ["node"] }, "files": ["types.ts"] }
JSON
"$root/node_modules/.bin/tsc" -p tsconfig.json 2>&1 | head -20; test "${PIPESTATUS[0]}" -eq 0
npm pkg set type=commonjs
"$root/node_modules/.bin/tsc" -p tsconfig.cjs.json 2>&1 | head -20; test "${PIPESTATUS[0]}" -eq 0
echo "package: types resolve for ESM and CommonJS consumers"
