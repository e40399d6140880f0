import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

/**
 * The import direction of DESIGN.md, as a table of folders: a module may import modules of its
 * own folder or of any folder further down; never one further up. Type-only imports count here
 * too (a type dependency is still a dependency), but not in the cycle check below.
 *
 *   decorators → manager → service → (l1) → store → client → core → errors
 *
 * Every file lives in one of these folders (only `index` and `errors` sit at the top of src/):
 * a new folder or a loose file fails the spec and says so.
 */
const LAYERS: readonly { layer: string; modules: readonly string[] }[] = [
  { layer: 'entry point', modules: ['index'] },
  { layer: 'decorators', modules: ['decorators/*'] },
  { layer: 'integrations', modules: ['integrations/*'] },
  { layer: 'manager', modules: ['manager/*'] },
  { layer: 'service', modules: ['service/*'] },
  { layer: 'l1', modules: ['l1/*'] },
  { layer: 'store', modules: ['store/*'] },
  { layer: 'client', modules: ['client/*'] },
  { layer: 'core', modules: ['core/*'] },
  { layer: 'errors', modules: ['errors'] },
];

/**
 * Extra rules on top of the layers.
 * - Only the entry point may import a decorator: decorators are an option, nothing depends on them
 *   (`index.ts` re-exports them, or users could not import `@Cached` from 'ts-rc').
 * - Only manager/create-clients may import ioredis / ioredis-mock as a value; everyone else `import type`.
 *   manager/embedded-client loads ioredis-mock too: it is an optional peer, loaded with
 *   `loadPeer('ioredis-mock')` when `memory://` is first used (which counts as a value import here).
 */
const DECORATOR_IMPORTERS = new Set(['index']);
/**
 * Type-only imports allowed against the direction, each for a reason the public API gives:
 * - `new CacheService(redis, …)` takes a client or a CacheManager (DESIGN.md), so its signature
 *   names the manager's type; at run time the service finds the manager's runner through
 *   `runnerOf` (client/), never through the manager.
 */
const UPWARD_TYPE_IMPORTS = new Set(['service/cache-service → manager/cache-manager']);
const CLIENT_PACKAGES = new Set(['ioredis', 'ioredis-mock']);
const CLIENT_VALUE_IMPORTERS = new Set(['manager/create-clients', 'manager/embedded-client']);

interface Import {
  /** A src module (`keys`, `decorators/cached`) or a package name (`ioredis`). */
  target: string;
  /** `import type …`, `export type … from`, or every named specifier marked `type`. */
  typeOnly: boolean;
}

const STATEMENT = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s*['"]([^'"]+)['"]/gm;
const SIDE_EFFECT = /^\s*import\s*['"]([^'"]+)['"]/gm;
/** An optional peer loaded on first use (core/optional-peer): a value import of that package. */
const PEER_LOAD = /\bloadPeer(?:<[^>(]*>)?\(\s*['"]([^'"]+)['"]/g;

/** The imports of one file: `import … from`, `export … from`, and bare `import 'x'`. */
function importsOf(source: string, module: string): Import[] {
  const found: Import[] = [];
  for (const [, , typeKeyword, clause = '', specifier = ''] of source.matchAll(STATEMENT)) {
    found.push({ target: resolve(module, specifier), typeOnly: typeKeyword !== undefined || allSpecifiersTyped(clause) });
  }
  for (const [, specifier = ''] of source.matchAll(SIDE_EFFECT))
    found.push({ target: resolve(module, specifier), typeOnly: false });
  for (const [, name = ''] of source.matchAll(PEER_LOAD)) found.push({ target: packageName(name), typeOnly: false });
  return found;
}

function allSpecifiersTyped(clause: string): boolean {
  const named = /^\{([\s\S]*)\}$/.exec(clause.trim());
  if (!named) return false; // a default or namespace import is a value
  const specifiers = named[1]!
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return specifiers.length > 0 && specifiers.every((s) => s.startsWith('type '));
}

function resolve(module: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier.startsWith('node:') ? specifier : packageName(specifier);
  return posix.join(posix.dirname(module), specifier).replace(/\.(c?js|c?ts)$/, '');
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The layer index of a src module (0 = top), or undefined when it is in no layer. */
function layerOf(module: string): number | undefined {
  const index = LAYERS.findIndex(({ modules }) =>
    modules.some((m) => (m.endsWith('/*') ? module.startsWith(m.slice(0, -1)) : m === module)),
  );
  return index === -1 ? undefined : index;
}

/** Every broken rule in a graph of `module → imports`, one readable line each. */
function violations(graph: ReadonlyMap<string, readonly Import[]>): string[] {
  const out: string[] = [];
  for (const [module, imports] of graph) {
    const from = layerOf(module);
    if (from === undefined) {
      out.push(`src/${module}.ts is in no layer: add it to LAYERS in spec/architecture.spec.ts`);
      continue;
    }
    for (const { target, typeOnly } of imports) {
      if (CLIENT_PACKAGES.has(target)) {
        if (!typeOnly && !CLIENT_VALUE_IMPORTERS.has(module)) {
          out.push(`${module} imports ${target} as a value: use \`import type\` (only manager/create-clients creates clients)`);
        }
        continue;
      }
      if (!graph.has(target)) continue; // a package or node: builtin
      if (target.startsWith('decorators/') && !module.startsWith('decorators/') && !DECORATOR_IMPORTERS.has(module)) {
        out.push(`${module} imports ${target}: nothing but the entry point may import decorators`);
        continue;
      }
      const to = layerOf(target);
      if (typeOnly && UPWARD_TYPE_IMPORTS.has(`${module} → ${target}`)) continue;
      if (to !== undefined && to < from) {
        out.push(`${module} (${LAYERS[from]!.layer}) imports ${target} (${LAYERS[to]!.layer}): against the import direction`);
      }
    }
  }
  return out;
}

/** Cycles among value imports (type-only imports are erased at compile time, so they may loop). */
function valueCycles(graph: ReadonlyMap<string, readonly Import[]>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (module: string): void => {
    const at = path.indexOf(module);
    if (at !== -1) {
      cycles.push([...path.slice(at), module]);
      return;
    }
    if (done.has(module)) return;
    path.push(module);
    for (const { target, typeOnly } of graph.get(module) ?? []) if (!typeOnly && graph.has(target)) visit(target);
    path.pop();
    done.add(module);
  };
  for (const module of graph.keys()) visit(module);
  return cycles;
}

function readSrc(): Map<string, Import[]> {
  const root = fileURLToPath(new URL('../../../src', import.meta.url));
  const graph = new Map<string, Import[]>();
  for (const file of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    if (!/\.c?ts$/.test(file) || /\.d\.c?ts$/.test(file)) continue;
    const module = file
      .split('\\')
      .join('/')
      .replace(/\.c?ts$/, '');
    graph.set(module, importsOf(readFileSync(join(root, file), 'utf8'), module));
  }
  return graph;
}

describe('architecture', () => {
  const graph = readSrc();

  it('reads every module of src/', () => {
    expect(graph.size).to.be.at.least(15);
    expect([...graph.keys()]).to.include.members([
      'index',
      'errors',
      'manager/cache-manager',
      'service/cache-service',
      'core/keys',
    ]);
    expect(graph.get('service/cache-service')?.map((i) => i.target)).to.include.members(['core/keys']);
  });

  it('every import follows the direction decorators → service → keys/ttl/codec → client', () => {
    expect(violations(graph)).to.deep.equal([]);
  });

  it('has no import cycle among value imports', () => {
    expect(valueCycles(graph).map((cycle) => cycle.join(' → '))).to.deep.equal([]);
  });

  describe('the checker itself', () => {
    const graphOf = (files: Record<string, string>) =>
      new Map(Object.entries(files).map(([module, source]) => [module, importsOf(source, module)]));

    it('tells type-only imports from value imports', () => {
      const imports = importsOf(
        [
          "import type { Redis } from 'ioredis';",
          "import { type A, type B } from '../keys.js';",
          "import { type C, buildCacheKey } from '../keys.js';",
          "import RedisMock from 'ioredis-mock';",
          "import 'reflect-metadata';",
          "export type { X } from '../errors.js';",
          "import { helper } from './shared.js';",
          "export {\n  CacheService,\n} from '../service.js';",
          "import { createHash } from 'node:crypto';",
          "const Mock = loadPeer<typeof RedisMock>('ioredis-mock', load);",
        ].join('\n'),
        'decorators/cached',
      );
      expect(imports).to.deep.equal([
        { target: 'ioredis', typeOnly: true },
        { target: 'keys', typeOnly: true },
        { target: 'keys', typeOnly: false },
        { target: 'ioredis-mock', typeOnly: false },
        { target: 'errors', typeOnly: true },
        { target: 'decorators/shared', typeOnly: false },
        { target: 'service', typeOnly: false },
        { target: 'node:crypto', typeOnly: false },
        { target: 'reflect-metadata', typeOnly: false },
        { target: 'ioredis-mock', typeOnly: false },
      ]);
    });

    it('reports a wrong-way import, a value import of ioredis, an import of decorators and an unknown file', () => {
      const found = violations(
        graphOf({
          'core/keys': "import { CacheService } from '../service/cache-service.js';",
          'service/cache-service': "import { Redis } from 'ioredis';",
          'manager/cache-manager': "import { Cached } from '../decorators/cached.js';",
          'decorators/cached':
            "import { CacheService } from '../service/cache-service.js';\nimport { cacheManager } from '../manager/cache-manager.js';",
          index: "export { Cached } from './decorators/cached.js';",
          orphan: '',
        }),
      );
      expect(found).to.have.length(4);
      expect(found[0]).to.match(/^core\/keys .* imports service\/cache-service .*against the import direction/);
      expect(found[1]).to.match(/^service\/cache-service imports ioredis as a value/);
      expect(found[2]).to.match(/^manager\/cache-manager imports decorators\/cached/);
      expect(found[3]).to.match(/src\/orphan\.ts is in no layer/);
    });

    it('finds a value cycle and ignores one closed by a type-only import', () => {
      const cyclic = graphOf({
        service: "import { keyBase } from './keys.js';",
        keys: "import { CacheService } from './service.js';",
      });
      expect(valueCycles(cyclic)).to.deep.equal([['service', 'keys', 'service']]);
      const typeOnly = graphOf({
        service: "import { keyBase } from './keys.js';",
        keys: "import type { CacheService } from './service.js';",
      });
      expect(valueCycles(typeOnly)).to.deep.equal([]);
    });
  });
});
