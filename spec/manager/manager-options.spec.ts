import { inspect } from 'node:util';
import { expect } from 'chai';
import { CacheConfigError } from '../../src/errors.js';
import { CacheManager } from '../../src/manager/cache-manager.js';
import {
  type CacheManagerOptions,
  type ResolvedManagerOptions,
  resolveManagerOptions,
} from '../../src/manager/manager-options.js';
import { freePort } from '../support/redis-process.js';

/** Passwords as written in the URL, and the password they stand for. */
const NASTY: readonly { what: string; written: string; password: string }[] = [
  { what: '#', written: 'p#ss', password: 'p#ss' },
  { what: '# percent-encoded', written: 'p%23ss', password: 'p#ss' },
  { what: '/', written: 'a/b', password: 'a/b' },
  { what: '?', written: 'q?x', password: 'q?x' },
  { what: 'a space', written: 'sp ace', password: 'sp ace' },
  { what: '@', written: 'at@sign', password: 'at@sign' },
  { what: '@ percent-encoded', written: 'at%40sign', password: 'at@sign' },
  { what: 'a percent-encoded letter', written: 'p%41ss', password: 'pAss' },
  { what: 'a literal %41', written: '%2541', password: '%41' },
  { what: 'a lone %', written: '100%', password: '100%' },
  { what: ':', written: 'colon:colon', password: 'colon:colon' },
  { what: 'unicode', written: 'pässwörd-密码-🔑', password: 'pässwörd-密码-🔑' },
  { what: 'all of them', written: ' #/?@:%& x', password: ' #/?@:%& x' },
];

/** Everything a user could print or log about these options. */
function shown(options: Readonly<ResolvedManagerOptions> | undefined): string {
  return `${JSON.stringify(options)}\n${inspect(options, { depth: 10 })}`;
}

/** The CacheConfigError `init(options)` throws; fails the test when it doesn't. */
function configErrorOf(options: unknown): CacheConfigError {
  const manager = new CacheManager();
  try {
    manager.init(options as CacheManagerOptions);
  } catch (error) {
    expect(error, inspect(error)).to.be.instanceOf(CacheConfigError);
    return error as CacheConfigError;
  }
  void manager.close();
  expect.fail(`${JSON.stringify(options)} was accepted`);
}

function errorText(error: CacheConfigError): string {
  return `${String(error)}\n${error.stack}\n${JSON.stringify(error)}\n${inspect(error, { depth: 10 })}`;
}

describe('manager options', () => {
  let port: number; // nothing listens there: init() connects in the background and never reaches it
  before(async () => {
    port = await freePort();
  });

  describe('a password with any characters', () => {
    for (const { what, written, password } of NASTY) {
      it(`${what}: parsed from the URL, never shown`, async () => {
        const redisUrl = `redis://alice:${written}@127.0.0.1:${port}/2`;
        const manager = new CacheManager().init({ redisUrl });
        try {
          expect(manager.options?.redisUrl).to.equal(`redis://alice:***@127.0.0.1:${port}/2`);
          for (const secret of [written, password]) expect(shown(manager.options)).to.not.include(secret);
          expect(manager.options?.endpoint).to.deep.include({ password: '***' });
          expect(resolveManagerOptions({ redisUrl }).secrets, 'scrubbed from reported errors').to.include.members([
            written,
            password,
          ]);
          expect(manager.options).to.not.have.property('secrets');
        } finally {
          await manager.close();
        }
        const { endpoint } = resolveManagerOptions({ redisUrl });
        expect(endpoint).to.deep.equal({
          kind: 'redis',
          tls: false,
          host: '127.0.0.1',
          port,
          db: 2,
          username: 'alice',
          password,
        });
      });
    }
  });

  describe('a malformed URL is a CacheConfigError naming redisUrl, password masked', () => {
    const secret = 's3c#r/e?t @x';
    const malformed: [string, string, string][] = [
      ['a port that is not a number', `redis://alice:${secret}@127.0.0.1:63x9`, 'port "63x9"'],
      ['a port out of range', `rediss://alice:${secret}@127.0.0.1:70000`, 'port 70000'],
      ['a database that is not a number', `redis://alice:${secret}@127.0.0.1:6379/zero`, 'database "zero"'],
      ['no host', `redis://alice:${secret}@`, 'missing host'],
      ['an unclosed IPv6 address', `redis://alice:${secret}@[::1:6379`, 'malformed host'],
      ['an unknown query option', `redis://alice:${secret}@127.0.0.1?password=query-secret`, 'unknown query option "password"'],
      ['a fragment', `redis://alice:${secret}@127.0.0.1#x`, 'unexpected "#"'],
    ];
    for (const [what, redisUrl, problem] of malformed) {
      it(what, () => {
        const error = configErrorOf({ redisUrl });
        expect(error.issues.map((i) => i.path)).to.deep.equal(['redisUrl']);
        expect(error.message)
          .to.include(problem)
          .and.match(/rediss?:\/\/alice:\*\*\*@/);
        expect(errorText(error)).to.not.include(secret).and.not.include('query-secret');
      });
    }

    it('suggests redis:// for an address without a scheme, masking the password', () => {
      expect(configErrorOf({ redisUrl: 'localhost:6379' }).message).to.include('did you mean redis://localhost:6379?');
      const error = configErrorOf({ redisUrl: `alice:${secret}@localhost:6379/1` });
      expect(error.message).to.include('did you mean redis://alice:***@localhost:6379/1?');
      expect(errorText(error)).to.not.include(secret);
    });

    it('never echoes what is not an address (a password passed as the URL)', () => {
      const error = configErrorOf({ redisUrl: secret });
      expect(error.message).to.match(/redisUrl: expected a URL starting with redis:\/\//);
      expect(errorText(error)).to.not.include(secret);
    });

    it('names another scheme', () => {
      expect(configErrorOf({ redisUrl: `http://alice:${secret}@host` }).message).to.include('not http://');
    });
  });

  describe('the rest of the URL', () => {
    const endpoint = (redisUrl: string) => resolveManagerOptions({ redisUrl }).endpoint;

    it('defaults the port to 6379 and the database to 0', () => {
      expect(endpoint('redis://cache.internal')).to.deep.equal({
        kind: 'redis',
        tls: false,
        host: 'cache.internal',
        port: 6379,
        db: 0,
      });
      expect(endpoint('redis://cache.internal:6380/')).to.deep.include({ port: 6380, db: 0 });
    });

    it('reads IPv6 hosts, rediss://, a user without a password and a password without a user', () => {
      expect(endpoint('rediss://[::1]:7000/3')).to.deep.equal({ kind: 'redis', tls: true, host: '::1', port: 7000, db: 3 });
      expect(endpoint('redis://bob@h')).to.deep.include({ username: 'bob' }).and.not.have.property('password');
      expect(endpoint('redis://:pw@h')).to.deep.include({ password: 'pw' }).and.not.have.property('username');
    });

    it('takes the query options ioredis took from a URL: db, family, connectionName', () => {
      expect(endpoint('redis://h?db=4&family=6&connectionName=api')).to.deep.include({ db: 4, family: 6, connectionName: 'api' });
      expect(endpoint('redis://h:1/2?')).to.deep.include({ port: 1, db: 2 });
      expect(configErrorOf({ redisUrl: 'redis://h/1?db=2' }).message).to.include('database given twice');
      expect(configErrorOf({ redisUrl: 'redis://h?family=5' }).message).to.include('?family=');
    });

    it('keeps memory:// working', async () => {
      expect(endpoint('memory://')).to.deep.equal({ kind: 'memory' });
      const manager = new CacheManager().init({ redisUrl: 'memory://' });
      const users = manager.service<string>('users');
      expect(await users.set('1', 'Ada')).to.equal(true);
      expect(await users.get('1')).to.equal('Ada');
      expect(manager.options?.redisUrl).to.equal('memory://');
      await manager.close();
    });
  });

  describe('TLS secrets', () => {
    it('shows passphrase, key and pfx as ***, and scrubs every passphrase from reports', async () => {
      const tls = {
        ca: 'PUBLIC-CA',
        cert: 'PUBLIC-CERT',
        passphrase: 'tls-passphrase',
        key: [{ pem: 'PRIVATE-KEY-PEM', passphrase: 'key-passphrase' }],
        pfx: Buffer.from('PRIVATE-PFX'),
      };
      const manager = new CacheManager().init({ redisUrl: `rediss://127.0.0.1:${port}`, tls });
      try {
        expect(manager.options?.tls).to.deep.equal({
          ca: 'PUBLIC-CA',
          cert: 'PUBLIC-CERT',
          passphrase: '***',
          key: '***',
          pfx: '***',
        });
        for (const secret of ['tls-passphrase', 'key-passphrase', 'PRIVATE-KEY-PEM'])
          expect(shown(manager.options)).to.not.include(secret);
        expect(resolveManagerOptions({ redisUrl: `rediss://127.0.0.1:${port}`, tls }).secrets).to.include.members([
          'tls-passphrase',
          'key-passphrase',
        ]);
        expect(tls.passphrase, 'the caller’s object is untouched').to.equal('tls-passphrase');
      } finally {
        await manager.close();
      }
    });
  });
});
