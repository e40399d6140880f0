// One decorated method, cached on memory://, as a user's test would have it; and whether the
// runner emitted decorator metadata (which class-transformer's inference and NestJS DI need).
import 'reflect-metadata';
import { Cached, CacheManager } from 'ts-rc';

let calls = 0;
const manager = new CacheManager().init({ redisUrl: 'memory://' });

export class Service {}

export class Repo {
  constructor(readonly service: Service) {}

  @Cached({ namespace: 'runner', key: (id: string) => id, manager })
  async find(id: string): Promise<{ id: string }> {
    calls++;
    return { id };
  }
}

/** `cached, metadata` when all works; throws when the method is not cached. */
export async function check(): Promise<string> {
  const repo = new Repo(new Service());
  await repo.find('1');
  await repo.find('1');
  await manager.close();
  if (calls !== 1) throw new Error(`the method ran ${calls} times, expected once`);
  const metadata = Reflect.getMetadata('design:paramtypes', Repo.prototype, 'find') !== undefined;
  return `cached, ${metadata ? 'metadata' : 'no metadata'}`;
}
