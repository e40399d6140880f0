// Type-level spec: checked by `npm run typecheck` in BOTH decorator flavours (tsconfig.json is
// legacy, tsconfig.spec-tc39.json is TC39). Every `@ts-expect-error` must be a real error in each.
import { z } from 'zod';
import { z as z3 } from 'zod/v3';
import { CacheConfig, Cached, CacheEvict, CachePut, CacheService, cacheManager } from '../../src/index.js';

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

interface Draft {
  id: string;
  title: string;
}
const draftSchema = z.object({ id: z.string(), title: z.string() });

/** True only when `A` and `B` are the same type (not merely assignable). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when the two types are the same: `same<typeof x, Draft>(true)`. */
const same = <A, B>(proof: Equal<A, B>): boolean => proof;

export class DraftRepository {
  // key and keyFromResult together: keyFromResult wins, and the types accept both, in either order.
  @CachePut({ key: (d: Draft) => d.id, keyFromResult: (d: Draft) => d.id })
  async save(d: Draft): Promise<Draft> {
    return d;
  }

  @CachePut({ keyFromResult: (d: Draft) => d.id, key: (_d: Draft, tenant: string) => tenant })
  async saveFor(d: Draft, _tenant: string): Promise<Draft> {
    return d;
  }

  // The result functions may also take the method's arguments after the result.
  @CachePut({ keyFromResult: (saved: Draft, _d: Draft, tenant: string) => `${tenant}:${saved.id}` })
  async saveIn(d: Draft, _tenant: string): Promise<Draft> {
    return d;
  }

  // The result functions see what the method resolves to: a Promise<Draft> gives no null.
  @Cached({ unless: (d: Draft) => d.title === '' })
  async find(): Promise<Draft> {
    return { id: '1', title: '' };
  }

  // @ts-expect-error the method can resolve to null, which `unless: (d: Draft)` does not take
  @Cached({ unless: (d: Draft) => d.title === '' })
  async findMaybe(): Promise<Draft | null> {
    return null;
  }

  @Cached({ key: (id: string) => id, unless: (d: Draft | null, id: string) => d?.id !== id })
  async findOrNull(_id: string): Promise<Draft | null> {
    return null;
  }

  // Typed from the model when not annotated; null included, as the method may resolve to null.
  @Cached({ model: draftSchema, unless: (d) => same<typeof d, Draft | null>(true) })
  async findChecked(): Promise<Draft | null> {
    return null;
  }

  // @CachePut never passes null on (a null result is not stored), so its functions don't take it.
  @CachePut({ model: draftSchema, keyFromResult: (d) => d.id, unless: (d) => same<typeof d, Draft>(true) })
  async create(): Promise<Draft | null> {
    return null;
  }

  @CachePut({ keyFromResult: (d: Draft) => d.id, unless: (d: Draft | null) => d === null })
  async upsert(d: Draft): Promise<Draft> {
    return d;
  }

  // @ts-expect-error unless takes a Draft, the method resolves to a User
  @CachePut({ keyFromResult: (u: User) => u.id, unless: (d: Draft) => d.title === '' })
  async mixed(u: User): Promise<User> {
    return u;
  }
}

// @ts-expect-error @CacheConfig needs its options
@CacheConfig()
export class NoOptions {}

// Class models revive one instance or an array of them.
class Account {
  id = '';
  name = '';
}
class Order {
  total = 0;
}

@CacheConfig({ namespace: 'accounts', model: Account })
export class AccountRepository {
  @Cached({ model: Account })
  async findAll(): Promise<Account[]> {
    return [];
  }

  @Cached({ key: (id: string) => id, model: Account })
  async findById(_id: string): Promise<Account | null> {
    return null;
  }

  @Cached({ model: Account, unless: (accounts: Account[] | null) => accounts === null })
  async findActive(): Promise<Account[]> {
    return [];
  }

  @CachePut({ key: () => 'all', model: Account })
  async saveAll(accounts: Account[]): Promise<Account[]> {
    return accounts;
  }

  @CachePut({ keyFromResult: (a: Account) => a.id, model: Account })
  async save(account: Account): Promise<Account> {
    return account;
  }

  // `model: false`: no model for this method, whatever @CacheConfig says.
  @Cached({ model: false })
  async count(): Promise<number> {
    return 0;
  }

  // @ts-expect-error the model revives an Order, the method resolves to accounts
  @Cached({ model: Order })
  async findOrders(): Promise<Account[]> {
    return [];
  }

  // @ts-expect-error `model: true` is not a model
  @Cached({ model: true })
  async flag(): Promise<boolean> {
    return true;
  }
}

declare const client: ConstructorParameters<typeof CacheService>[0];
export const accountLists = new CacheService<Account[]>(client, 'account-lists', { model: Account });
export const managedLists = cacheManager.service<Account[]>('account-lists', { model: Account });
export const inferred: CacheService<Account> = new CacheService(client, 'accounts', { model: Account });
// @ts-expect-error the model revives an Order, the service holds accounts
export const wrongLists = new CacheService<Account[]>(client, 'account-lists', { model: Order });
// @ts-expect-error `model: false` is for decorators only
export const noModel = cacheManager.service<Account>('accounts', { model: false });

// Any Standard Schema is a model, typed by its output: zod 3 (3.24+) and a hand-written one as other libraries give.
const userSchema3 = z3.object({ id: z3.string(), name: z3.string() });
declare const standardUser: { readonly '~standard': { version: 1; vendor: string; validate(value: unknown): { value: User } } };
export const zod3Users: CacheService<User> = new CacheService(client, 'users', { model: userSchema3 });
export const standardUsers: CacheService<User> = new CacheService(client, 'users', { model: standardUser });
// @ts-expect-error the schema's output is a User, the service holds orders
export const wrongStandard = new CacheService<Order>(client, 'orders', { model: standardUser });
export class StandardRepository {
  @Cached({ key: (id: string) => id, model: userSchema3 })
  async findById(id: string): Promise<User | null> {
    return { id, name: 'x' };
  }
}
