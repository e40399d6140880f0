import { expect } from 'chai';
import { CacheConfigError } from '../../src/errors.js';
import { createEmbeddedClient } from '../../src/manager/embedded-client.js';

const notInstalled = (id: string): never => {
  throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
};

describe('the embedded (memory://) client', () => {
  it('is an ioredis-mock client with a keyspace of its own host', async () => {
    const [a, b] = [createEmbeddedClient('embedded-spec-a'), createEmbeddedClient('embedded-spec-b')];
    await a.set('k', '1');
    expect(await a.get('k')).to.equal('1');
    expect(await b.get('k')).to.equal(null);
    await Promise.all([a.quit(), b.quit()]);
  });

  it('without ioredis-mock installed, is a CacheConfigError naming the install command', () => {
    expect(() => createEmbeddedClient('embedded-spec-c', notInstalled))
      .to.throw(CacheConfigError)
      .with.property('message')
      .that.includes('redisUrl: memory:// needs ioredis-mock')
      .and.includes('npm install --save-dev ioredis-mock');
  });
});
