import { check } from './cached';

test('a decorated method is cached', async () => {
  console.log(`RESULT: ${await check()}`);
});
