import { hostRequire } from './host-require.cjs';

/**
 * Load an optional peer dependency on first use, synchronously (`init()` and constructors are
 * synchronous); undefined when it is not installed. A peer that is there but fails to load throws.
 */
export function loadPeer<T>(name: string, load: (id: string) => unknown = hostRequire): T | undefined {
  try {
    return load(name) as T;
  } catch (error) {
    if (isMissing(error, name)) return undefined;
    throw error;
  }
}

/** Not installed, as opposed to installed and broken (then one of its own imports is missing, under another name). */
function isMissing(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(`'${name}'`);
}

/** What to tell a user whose options need a peer that is not installed: the feature, the package and the command. */
export function missingPeer(feature: string, name: string, install: string): string {
  return `${feature} needs ${name}, an optional peer dependency of ts-rc that is not installed: ${install}`;
}
