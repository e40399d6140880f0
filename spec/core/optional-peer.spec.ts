import { expect } from 'chai';
import { loadPeer, missingPeer } from '../../src/core/optional-peer.js';

/** What Node's require throws for a package that is not installed. */
function notFound(id: string): Error {
  return Object.assign(new Error(`Cannot find module '${id}'\nRequire stack:\n- /app/index.js`), { code: 'MODULE_NOT_FOUND' });
}

describe('optional peers', () => {
  it('loads an installed peer synchronously, from where ts-rc is installed', () => {
    expect(loadPeer<unknown>('ioredis-mock')).to.be.a('function');
  });

  it('is undefined for a peer that is not installed', () => {
    expect(loadPeer('ts-rc-no-such-peer')).to.equal(undefined);
    expect(
      loadPeer('class-transformer', (id) => {
        throw notFound(id);
      }),
    ).to.equal(undefined);
  });

  it('throws when the peer is there but broken (one of its own imports is missing)', () => {
    expect(() =>
      loadPeer('class-transformer', () => {
        throw notFound('tslib');
      }),
    ).to.throw("Cannot find module 'tslib'");
    expect(() =>
      loadPeer('class-transformer', () => {
        throw new SyntaxError('Unexpected token');
      }),
    ).to.throw(SyntaxError);
  });

  it('names the feature, the package and the install command', () => {
    expect(missingPeer('memory://', 'ioredis-mock', 'npm install --save-dev ioredis-mock')).to.equal(
      'memory:// needs ioredis-mock, an optional peer dependency of ts-rc that is not installed: npm install --save-dev ioredis-mock',
    );
  });
});
