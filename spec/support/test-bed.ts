import { CacheNotInitializedError } from '../../src/errors.js';
import type { CacheManager } from '../../src/manager/cache-manager.js';
import { type Backend, cleanPrefix, deleteKeys, managerFor, managersSharing, uniquePrefix } from './backends.js';
import { cleanNamespaces, uniqueNamespace } from './namespaces.js';

export interface TestBedOptions {
  /**
   * Namespaces under the default prefix that the tests write besides their own (class names such as
   * `BaseRepository`), cleaned after each test. Namespaces built from `namespace` need no listing.
   * @default []
   */
  readonly namespaces?: readonly string[];
  /** Also make `peer`: a second manager on the same keyspace, standing for another process. @default false */
  readonly peer?: boolean;
}

/** What the current test works with: all of it new for each test. */
export interface TestBed {
  /** A manager on the backend, closed after the test. */
  readonly manager: CacheManager;
  /** A second manager sharing `manager`'s keyspace; only with `{ peer: true }`. */
  readonly peer: CacheManager;
  /** A key prefix no other test or run uses. */
  readonly prefix: string;
  /** A namespace no other test or run uses, for decorators writing under the default prefix. */
  readonly namespace: string;
}

interface Current {
  readonly managers: readonly [CacheManager, ...CacheManager[]];
  readonly prefix: string;
  readonly namespace: string;
}

/**
 * Called inside a `describe`: registers the hooks that give each test its own manager on `backend`,
 * prefix and namespace, and afterwards delete every key the test could have written and close the
 * managers. Read the test's values from the returned object, inside the test.
 * @example const bed = testBed(backend); it('…', () => bed.manager.service('users', { prefix: bed.prefix }));
 */
export function testBed(backend: Backend, options: TestBedOptions = {}): TestBed {
  let current: Current | undefined;
  beforeEach(() => {
    const managers = options.peer
      ? (managersSharing(backend, 2) as [CacheManager, CacheManager])
      : ([managerFor(backend)] as const);
    current = { managers, prefix: uniquePrefix(), namespace: uniqueNamespace() };
  });
  afterEach(async () => {
    const done = current;
    current = undefined;
    if (done) await cleanUp(backend, done, options.namespaces ?? []);
  });
  const now = (): Current => {
    if (!current) throw new Error('testBed: its values exist only inside a test (read them in it(), not in describe())');
    return current;
  };
  return {
    get manager() {
      return now().managers[0];
    },
    get peer() {
      const peer = now().managers[1];
      if (!peer) throw new Error('testBed: no peer manager; pass { peer: true }');
      return peer;
    },
    get prefix() {
      return now().prefix;
    },
    get namespace() {
      return now().namespace;
    },
  };
}

/**
 * Everything under the prefix (`<prefix>*` takes its fences `<prefix>~:f:…` and locks `<prefix>~:l:…`),
 * every default-prefix key that names the namespace (entries, fences, locks, and namespaces built from
 * it such as `users-<namespace>`), and the listed shared namespaces; then the managers are closed.
 */
async function cleanUp(backend: Backend, { managers, prefix, namespace }: Current, shared: readonly string[]): Promise<void> {
  // A test of close() may close its manager first: what it wrote is then reached through a new one.
  const cleaner = isOpen(managers[0]) ? managers[0] : managerFor(backend);
  try {
    await cleanPrefix(cleaner, prefix);
    await deleteKeys(cleaner, `cache*${namespace}*`);
    await cleanNamespaces(cleaner, ...shared);
  } finally {
    await Promise.all([...new Set([...managers, cleaner])].map((manager) => manager.close()));
  }
}

function isOpen(manager: CacheManager): boolean {
  try {
    return manager.client !== undefined;
  } catch (error) {
    if (error instanceof CacheNotInitializedError) return false;
    throw error;
  }
}
