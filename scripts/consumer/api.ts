// The public API as a consumer writes it, type-checked with skipLibCheck: false by the oldest
// TypeScript ts-rc supports (check-package.sh), in both decorator flavours.
import {
  CacheConfig,
  Cached,
  CacheError,
  type CacheEvent,
  CacheEvict,
  CachePut,
  CacheService,
  cacheManager,
  getCacheOperations,
} from 'ts-rc';
import { z } from 'zod';

const userSchema = z.object({ id: z.string(), name: z.string() });
type User = z.infer<typeof userSchema>;

class Account {
  id = '';
  greet(): string {
    return `hi ${this.id}`;
  }
}

@CacheConfig({ namespace: 'users', ttl: 600 })
export class UserRepository {
  @Cached({ key: (id: string) => id, model: userSchema })
  async findById(id: string): Promise<User | null> {
    return { id, name: 'Ada' };
  }

  @CachePut({ keyFromResult: (u: User) => u.id, model: userSchema })
  async save(user: User): Promise<User> {
    return user;
  }

  @CacheEvict({ key: (id: string) => id })
  async remove(_id: string): Promise<void> {}

  @Cached({ namespace: 'accounts', model: Account })
  async accounts(): Promise<Account[]> {
    return [new Account()];
  }
}

export const users: CacheService<User> = new CacheService(cacheManager, 'users', { model: userSchema, defaultTtl: 60 });
export const accounts: CacheService<Account[]> = cacheManager.service<Account[]>('accounts', { model: Account });
export const ops: number = getCacheOperations(UserRepository).length;
cacheManager.on('error', (event: CacheEvent) => {
  if (event.error instanceof CacheError) console.error(event.error.code);
});
export async function load(id: string): Promise<string | undefined> {
  const user = await users.getOrSet(id, async () => ({ id, name: 'Ada' }), { ttl: 30 });
  return user?.name.toUpperCase();
}
