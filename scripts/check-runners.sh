#!/usr/bin/env bash
# Which test runners and TypeScript runners run ts-rc's decorators, in each decorator flavour:
# installs the packed tarball and each runner in a throw-away CommonJS project, runs one decorated
# method (scripts/runners/) under each, and compares with the table in README.md ("Runners").
# Runs in CI after check-package.sh (about 45 s with a warm npm cache); by hand after
# `npm run build`: bash scripts/check-runners.sh (KEEP=1 keeps the project to look into).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
if [ -n "${KEEP:-}" ]; then echo "runners: keeping $work"; else trap 'rm -rf "$work"' EXIT; fi
tarball=$(cd "$root" && npm pack --silent --pack-destination "$work" | tail -n 1)
cd "$work"
npm init -y >/dev/null
# The runners at the versions the README's table was made with: bump them here, then the table.
runners=(typescript@5.9.3 tsx@4.23.15 ts-node@10.9.2 jest@30.5.2 @types/jest@30.0.0 ts-jest@29.4.15 @swc/jest@0.2.39
  @swc/core@1.16.22 vitest@4.1.12 vite@8.4.0 unplugin-swc@2.0.0)
if ! npm install --no-audit --no-fund "./$tarball" ioredis-mock reflect-metadata @types/node@20 "${runners[@]}" >/dev/null 2>install.log; then
  cat install.log >&2
  exit 1
fi
cp "$root"/scripts/runners/* .
versions=$(node -p "['typescript','tsx','ts-node','jest','ts-jest','@swc/core','@swc/jest','vitest','vite','unplugin-swc'].map((p) => p + ' ' + JSON.parse(require('fs').readFileSync('node_modules/' + p + '/package.json', 'utf8')).version).join(', ')")

# The expected outcome of each runner in each flavour; a difference fails the run.
declare -A expected=(
  [tsc,legacy]='cached, metadata' [tsc,tc39]='cached, no metadata'
  [tsx,legacy]='cached, no metadata' [tsx,tc39]='cached, no metadata'
  [ts-node,legacy]='cached, metadata' [ts-node,tc39]='cached, no metadata'
  [ts-jest,legacy]='cached, metadata' [ts-jest,tc39]='cached, no metadata'
  [swc-jest,legacy]='cached, metadata' [swc-jest,tc39]='cached, no metadata'
  [vitest,legacy]='cached, metadata' [vitest,tc39]='fails'
  [vitest-swc,legacy]='cached, metadata' [vitest-swc,tc39]='cached, no metadata'
)

flavour_config() { # the tsconfig every runner reads, and @swc/jest's transform, for one flavour
  local decorators='' swc='{ "decoratorVersion": "2022-03" }'
  if [ "$1" = legacy ]; then
    decorators='"experimentalDecorators": true, "emitDecoratorMetadata": true,'
    swc='{ "legacyDecorator": true, "decoratorMetadata": true }'
  fi
  cat > tsconfig.json <<JSON
{ "compilerOptions": { $decorators "strict": true, "target": "es2022", "module": "nodenext", "outDir": "out", "types": ["node", "jest"], "skipLibCheck": true }, "include": ["*.ts"] }
JSON
  cat > jest.ts-jest.config.cjs <<'JS'
module.exports = { testEnvironment: 'node', transform: { '^.+\\.ts$': 'ts-jest' } };
JS
  cat > jest.swc.config.cjs <<JS
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\\\.ts\$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript', decorators: true }, transform: $swc } }] },
};
JS
  cat > vitest.config.mts <<'JS'
import { defineConfig } from 'vitest/config';
export default defineConfig({ test: { globals: true, include: ['cached.test.ts'] } });
JS
  cat > vitest.swc.config.mts <<JS
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';
export default defineConfig({
  oxc: false,
  plugins: [swc.vite({ jsc: { target: 'es2022', parser: { syntax: 'typescript', decorators: true }, transform: $swc } })],
  test: { globals: true, include: ['cached.test.ts'] },
});
JS
}

run() { # run RUNNER: the RESULT line it printed, or the first line of its error
  local out
  case "$1" in
    tsc) out=$(rm -rf out && npx tsc -p tsconfig.json 2>&1 && node out/run.js 2>&1) ;;
    tsx) out=$(npx tsx run.ts 2>&1) ;;
    ts-node) out=$(npx ts-node run.ts 2>&1) ;;
    ts-jest) out=$(npx jest --config jest.ts-jest.config.cjs 2>&1) ;;
    swc-jest) out=$(npx jest --config jest.swc.config.cjs 2>&1) ;;
    vitest) out=$(npx vitest run --config vitest.config.mts 2>&1) ;;
    vitest-swc) out=$(npx vitest run --config vitest.swc.config.mts 2>&1) ;;
  esac
  local result
  out=$(sed 's/\x1b\[[0-9;]*m//g' <<<"$out") # no colours
  result=$(grep -o 'RESULT: .*' <<<"$out" | head -n 1 | sed 's/^RESULT: //')
  if [ -n "$result" ]; then echo "$result"; else
    echo "fails: $(grep -m 1 -E 'Error|error|Invalid|Unexpected' <<<"$out" | sed 's/^[[:space:]]*//' | cut -c1-120)"
  fi
}

status=0
printf '%-10s %-8s %s\n' runner flavour result
for flavour in legacy tc39; do
  flavour_config "$flavour"
  for runner in tsc tsx ts-node ts-jest swc-jest vitest vitest-swc; do
    result=$(run "$runner")
    want=${expected[$runner,$flavour]}
    mark=ok
    if [ "${result%%:*}" != "$want" ] && [ "$result" != "$want" ]; then mark="UNEXPECTED (README says: $want)"; status=1; fi
    printf '%-10s %-8s %s  [%s]\n' "$runner" "$flavour" "$result" "$mark"
  done
done
echo "runners: node $(node -v), $versions"
exit $status
