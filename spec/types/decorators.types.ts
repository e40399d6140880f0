// Type-level spec: checked by `npm run typecheck` in BOTH decorator flavours (tsconfig.json is
// legacy, tsconfig.spec-tc39.json is TC39). Every `@ts-expect-error` must be a real error in each.
import { z } from 'zod';
import { CacheConfig, Cached, CacheEvict, CachePut } from '../../src/index.js';

interface User {
  id: string;
  name: string;
}
const userSchema = z.object({ id: z.string(), name: z.string() });

@CacheConfig({ namespace: 'users', ttl: 600 })
export class UserRepository {
  @Cached({ key: (id: string) => id, model: userSchema })
  async findById(id: string): Promise<User | null> {
    return { id, name: 'x' };
  }

  // The key may use a prefix of the parameters.
  @Cached({ key: (id: string) => id, unless: (u: User | null) => u === null })
  async findWithOptions(_id: string, _options?: { fresh: boolean }): Promise<User | null> {
    return null;
  }

  @Cached()
  async search(_filter: { q: string }): Promise<User[]> {
    return [];
  }

  @CachePut({ keyFromResult: (u: User) => u.id })
  async save(user: User): Promise<User> {
    return user;
  }

  @CacheEvict({ key: (id: string) => id })
  @CacheEvict({ namespace: 'user-lists', allEntries: true })
  async remove(_id: string): Promise<void> {}

  @CacheEvict({ pattern: (q: string) => `search:${q}*` })
  async touch(_q: string): Promise<boolean> {
    return true;
  }

  // @ts-expect-error a decorated method must return a Promise
  @Cached()
  findSync(id: string): User {
    return { id, name: 'x' };
  }

  // @ts-expect-error the key function takes a string, the method a number
  @Cached({ key: (id: string) => id })
  async findByNumber(id: number): Promise<User | null> {
    return { id: String(id), name: 'x' };
  }

  // @ts-expect-error the key function needs two arguments, the method has one
  @CacheEvict({ key: (a: string, b: string) => a + b })
  async removeOne(_a: string): Promise<void> {}

  // @ts-expect-error keyFromResult expects a User, the method resolves to a number
  @CachePut({ keyFromResult: (u: User) => u.id })
  async count(): Promise<number> {
    return 1;
  }

  // @ts-expect-error the model validates a User, the method resolves to a string
  @Cached({ model: userSchema })
  async label(): Promise<string> {
    return '';
  }

  // @ts-expect-error a key must be a string or a number
  @Cached({ key: (id: string) => ({ id }) })
  async findByObject(id: string): Promise<User | null> {
    return { id, name: 'x' };
  }
}

// @ts-expect-error @CacheConfig needs its options
@CacheConfig()
export class NoOptions {}
