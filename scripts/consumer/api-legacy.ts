// Legacy decorators only (experimentalDecorators + emitDecoratorMetadata, as NestJS projects
// compile): class-transformer's @Type is a legacy decorator and needs reflect-metadata.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { Cached, CacheService, cacheManager } from 'ts-rc';

class Order {
  id = '';
  @Type(() => Date) placedAt = new Date(0);
}

export class OrderRepository {
  @Cached({ key: (id: string) => id, model: Order })
  async findById(id: string): Promise<Order | null> {
    return Object.assign(new Order(), { id });
  }
}

export const orders: CacheService<Order> = new CacheService(cacheManager, 'orders', { model: Order });
