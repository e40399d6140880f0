// Models as an app gives them: a zod 4 schema from the app's own `import { z } from 'zod'` (zod's
// ESM build; ts-rc runs on its CommonJS build), and a class revived by the app's class-transformer.
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { Type } from 'class-transformer';
import { CacheConfigError, CacheManager, CacheService } from 'ts-rc';
import { z } from 'zod';

const manager = new CacheManager().init({ redisUrl: 'memory://' });

const isoDate = z.codec(z.iso.datetime(), z.date(), { decode: (s) => new Date(s), encode: (d) => d.toISOString() });
const events = new CacheService(manager, 'events', { model: z.object({ at: isoDate }) });
assert.equal(await events.set('1', { at: new Date(5) }), true);
assert.deepEqual(await events.get('1'), { at: new Date(5) });
assert.throws(() => new CacheService(manager, 'dates', { model: z.object({ at: z.date() }) }), CacheConfigError);

class Account {
  id = '';
  openedAt = new Date(0);
  greet() {
    return `hi ${this.id}`;
  }
}
Type(() => Date)(Account.prototype, 'openedAt'); // @Type(() => Date), applied by hand in plain JS
const accounts = new CacheService(manager, 'accounts', { model: Account });
await accounts.set('a', Object.assign(new Account(), { id: 'a', openedAt: new Date(7) }));
const back = await accounts.get('a');
assert.equal(back?.greet(), 'hi a');
assert.deepEqual(back.openedAt, new Date(7));

await manager.close();
console.log("models: the app's zod 4 (codec, JSON-safety check) and class-transformer (@Type) work through ts-rc");
