import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { expect } from 'chai';
import type { CacheEvent } from '../../src/client/events.js';
import { CacheManager } from '../../src/manager/cache-manager.js';
import { describeOnRedis } from '../support/backends.js';
import { freePort, waitUntil } from '../support/redis-process.js';

/** A throw-away CA and a server certificate for 127.0.0.1, made with openssl. */
function makeCertificates(dir: string): void {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '1',
    '-subj',
    '/CN=ts-rc test CA',
  );
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '1',
    '-extfile',
    'ext.cnf',
  );
}

describeOnRedis('TLS (rediss://) and ACL users, on a redis-server of the test', () => {
  let dir: string;
  let port: number;
  let server: ChildProcess;
  let ca: Buffer;
  let manager: CacheManager | undefined;

  before(async function () {
    this.timeout(15_000);
    dir = mkdtempSync(join(tmpdir(), 'ts-rc-tls-'));
    makeCertificates(dir);
    ca = readFileSync(join(dir, 'ca.crt'));
    port = await freePort();
    const config = [
      'port 0',
      `tls-port ${port}`,
      'bind 127.0.0.1',
      'save ""',
      'appendonly no',
      'tls-cert-file server.crt',
      'tls-key-file server.key',
      'tls-ca-cert-file ca.crt',
      'tls-auth-clients no',
      'user alice on >wonderland-pw ~* &* +@all',
      'user default off',
    ];
    writeFileSync(join(dir, 'redis.conf'), `${config.join('\n')}\n`);
    server = spawn('redis-server', ['redis.conf'], { cwd: dir, stdio: 'ignore' });
    await waitUntil(
      () => {
        try {
          execFileSync(
            'redis-cli',
            [
              '--tls',
              '--cacert',
              'ca.crt',
              '-p',
              String(port),
              '--user',
              'alice',
              '--pass',
              'wonderland-pw',
              '--no-auth-warning',
              'ping',
            ],
            { cwd: dir, stdio: 'pipe' },
          );
          return true;
        } catch {
          return false;
        }
      },
      5000,
      'TLS redis-server did not start',
    );
  });
  after(() => {
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await manager?.close();
    manager = undefined;
  });

  it('connects with rediss://user:password@ and a CA, and caches', async () => {
    manager = new CacheManager().init({ redisUrl: `rediss://alice:wonderland-pw@127.0.0.1:${port}`, tls: { ca } });
    await waitUntil(() => manager!.isAvailable, 3000, 'TLS connection not ready');
    expect(await manager.ping()).to.equal(true);
    const users = manager.service<{ name: string }>('users', { prefix: 'tls-test' });
    expect(await users.set('1', { name: 'Ada' })).to.equal(true);
    expect(await users.get('1')).to.deep.equal({ name: 'Ada' });
    expect(await users.delete('1')).to.equal(true);
  });

  it('a wrong password fails gracefully, and the password appears in no error or event', async () => {
    const secret = 'wrong-s3cret-pw';
    manager = new CacheManager().init({
      redisUrl: `rediss://alice:${secret}@127.0.0.1:${port}`,
      tls: { ca },
      commandTimeout: 300,
    });
    const events: CacheEvent[] = [];
    for (const name of ['error', 'degraded'] as const) manager.on(name, (event) => events.push(event));
    const users = manager.service<string>('users', { prefix: 'tls-test' });
    expect(await users.getOrSet('1', () => 'from the factory')).to.equal('from the factory');
    expect(await users.get('1')).to.equal(null);
    expect(await manager.ping()).to.equal(false);
    expect(events.length).to.be.greaterThan(0);
    const text = events
      .map((event) => `${inspect(event, { depth: 5 })} ${event.error?.stack} ${(event.error?.cause as Error)?.stack}`)
      .join('\n');
    expect(text).to.not.include(secret);
  });
});
