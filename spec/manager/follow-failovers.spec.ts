import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { followFailovers } from '../../src/manager/follow-failovers.js';

/** What followFailovers uses of the Sentinel-managed client: its status, its socket's peer, disconnect(reconnect). */
class FakeClient extends EventEmitter {
  status = 'ready';
  stream = { remoteAddress: '10.0.0.1', remotePort: 6379 };
  readonly disconnects: boolean[] = [];

  disconnect(reconnect = false): void {
    this.disconnects.push(reconnect);
  }

  /** A reconnection that ends on `host:port`. */
  readyOn(host: string, port: number): void {
    this.status = 'ready';
    this.stream = { remoteAddress: host, remotePort: port };
    this.emit('ready');
  }
}

class FakeSubscriber extends EventEmitter {
  readonly channels: string[] = [];
  disconnected = false;

  subscribe(channel: string): Promise<number> {
    this.channels.push(channel);
    return Promise.resolve(1);
  }

  disconnect(): void {
    this.disconnected = true;
  }

  announce(message: string, channel = '+switch-master'): void {
    this.emit('message', channel, message);
  }
}

describe('follow-failovers', () => {
  let client: FakeClient;
  let subscribers: FakeSubscriber[];
  beforeEach(() => {
    client = new FakeClient();
    subscribers = [new FakeSubscriber(), new FakeSubscriber()];
    followFailovers(client as unknown as Redis, 'mymaster', subscribers as unknown as Redis[]);
  });

  it('subscribes to +switch-master on every sentinel', () => {
    for (const subscriber of subscribers) expect(subscriber.channels).to.deep.equal(['+switch-master']);
  });

  it('a ready connection on the old master is asked to reconnect (ioredis then asks the sentinels)', () => {
    subscribers[0]!.announce('mymaster 10.0.0.1 6379 10.0.0.2 6380');
    expect(client.disconnects).to.deep.equal([true]);
  });

  it('a connection already on the announced master, or another master announced, is left alone', () => {
    client.stream = { remoteAddress: '10.0.0.2', remotePort: 6380 };
    subscribers[0]!.announce('mymaster 10.0.0.1 6379 10.0.0.2 6380');
    subscribers[1]!.announce('othermaster 10.0.0.2 6380 10.0.0.9 6379');
    subscribers[1]!.announce('mymaster 10.0.0.1 6379 10.0.0.9 6379', 'other-channel');
    expect(client.disconnects).to.deep.equal([]);
  });

  it('during a reconnection nothing is touched (disconnecting the connector then ends the client for good); once ready, it is checked', () => {
    for (const status of ['reconnecting', 'connecting', 'connect']) {
      client.status = status;
      subscribers[0]!.announce('mymaster 10.0.0.1 6379 10.0.0.2 6380');
      expect(client.disconnects, status).to.deep.equal([]);
    }
    client.readyOn('10.0.0.1', 6379); // the reconnection had asked a sentinel that had not switched yet
    expect(client.disconnects).to.deep.equal([true]);
    client.status = 'connecting';
    subscribers[1]!.announce('mymaster 10.0.0.1 6379 10.0.0.2 6380');
    client.readyOn('10.0.0.2', 6380);
    expect(client.disconnects, 'ready on the new master: no more').to.deep.equal([true]);
  });

  it('one check per announcement: an address the sentinels write differently (a hostname) costs one reconnection, never a loop', () => {
    subscribers[0]!.announce('mymaster redis-a 6379 redis-b 6380');
    client.readyOn('10.0.0.2', 6380);
    client.readyOn('10.0.0.2', 6380);
    expect(client.disconnects).to.deep.equal([true]);
  });

  it('closes every subscription when the client ends (QUIT)', () => {
    client.emit('end');
    for (const subscriber of subscribers) expect(subscriber.disconnected).to.equal(true);
  });

  it('closes every subscription on disconnect(), which emits no end while reconnecting; not on disconnect(true)', () => {
    client.disconnect(true);
    expect(subscribers.map((s) => s.disconnected)).to.deep.equal([false, false]);
    client.disconnect();
    expect(subscribers.map((s) => s.disconnected)).to.deep.equal([true, true]);
    expect(client.disconnects, 'the client itself is disconnected too').to.deep.equal([true, false]);
  });
});
