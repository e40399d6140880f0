/** cluster-key-slot (a dependency of ioredis, used by it too): the Redis Cluster slot of a key, hash tags honoured. */
declare module 'cluster-key-slot' {
  export default function calculateSlot(key: string | Buffer): number;
}
