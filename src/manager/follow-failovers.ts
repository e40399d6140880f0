import type { Redis } from 'ioredis';

const CHANNEL = '+switch-master';

/**
 * Move `client` (a Sentinel-managed connection) to the new master as soon as a sentinel announces
 * a failover on `+switch-master`, through `subscribers` (one connection per sentinel, owned from
 * now on: closed with the client, by QUIT or `disconnect()`).
 *
 * Without this, a failover whose old master stays up (SENTINEL FAILOVER, a partition that heals)
 * leaves the client on it: still a master, it takes writes and evictions until Sentinel demotes
 * it (~10 s) and drops them. ioredis' own `failoverDetector` does this too, but it disconnects the
 * connector whatever its state: during a reconnection that ends the client for good (status
 * `end`, measured once in four SIGKILLs of the master), and QUIT leaves its subscriptions open.
 * Here a ready connection is only ever asked to reconnect, which ioredis then does itself.
 */
export function followFailovers(client: Redis, name: string, subscribers: readonly Redis[]): void {
  let announced: { host: string; port: number } | undefined;
  const follow = () => {
    if (announced === undefined || client.status !== 'ready') return; // a reconnection asks the sentinels anyway
    const { host, port } = announced;
    announced = undefined; // one check per announcement: an address written differently can't loop
    if (client.stream.remotePort !== port || client.stream.remoteAddress !== host) client.disconnect(true);
  };
  for (const subscriber of subscribers) {
    subscriber.on('error', () => {}); // a sentinel away: the others announce the failover too
    subscriber.on('message', (channel: string, message: string) => {
      const [master, , , host, port] = message.split(' '); // <name> <old-ip> <old-port> <new-ip> <new-port>
      if (channel !== CHANNEL || master !== name || host === undefined) return;
      announced = { host, port: Number(port) };
      follow();
    });
    subscriber.subscribe(CHANNEL).catch(() => {});
  }
  client.on('ready', follow); // a reconnection that began before the announcement may have found the old master
  const close = () => {
    for (const subscriber of subscribers) subscriber.disconnect();
  };
  client.on('end', close); // QUIT
  // disconnect() while reconnecting emits no 'end' (and leaves the status as it was, ioredis 5.11).
  const disconnect = client.disconnect.bind(client);
  client.disconnect = (reconnect = false) => {
    if (!reconnect) close();
    disconnect(reconnect);
  };
}
