import { z } from 'zod';
import { milliseconds } from '../core/option-schemas.js';

/** `replicaAcks`: how many replicas must have each eviction before the call resolves, and how long to wait for them. */
export interface ReplicaAcksOptions {
  /** Replicas that must acknowledge (`WAIT numreplicas`), at least 1. */
  replicas: number;
  /**
   * ms to wait for them (`WAIT … timeout`). Less than `commandTimeout` (and `socketTimeout`): the
   * WAIT is bounded with the eviction. Redis ends a WAIT on its clock tick (every 100 ms at the
   * default `hz` 10), so leave it that much room. Short of replicas in time, the call resolves as
   * usual and reports a `CacheReplicationError`. @default half the `commandTimeout` (of `socketTimeout`, when lower)
   */
  timeout?: number | undefined;
}

/** `replicaAcks` as resolved: `timeout` in ms, with its default applied. */
export type ResolvedReplicaAcks = { replicas: number; timeout: number } | undefined;

/** @internal zod-typed: kept out of the published declarations. */
export const replicaAcksSchema = z
  .strictObject({
    replicas: z.number({ error: 'expected a number of replicas' }).int().min(1, 'expected at least 1 replica'),
    timeout: milliseconds('a WAIT timeout').optional(),
  })
  .optional();

/** What `replicaAcks` is checked against: the client's command bound (ms) and what sets it; no replicas on the embedded backend. */
export interface AckTarget {
  embedded: boolean;
  bound: number;
  boundBy: string;
}

/** @internal `replicaAcks` needs replicas (none on `memory://`) and a WAIT that ends within the command bound. */
export function replicaAcksFit(acks: ReplicaAcksOptions | undefined, target: AckTarget, ctx: z.RefinementCtx): void {
  if (!acks) return;
  if (target.embedded) {
    const message = 'memory:// has no replicas to wait for: leave replicaAcks out for memory://';
    ctx.addIssue({ code: 'custom', path: ['replicaAcks'], message });
  }
  if (resolveReplicaAcks(acks, target.bound)!.timeout >= target.bound) {
    const message = `expected less than ${target.bound} ms (${target.boundBy}): the WAIT is bounded with the eviction`;
    ctx.addIssue({ code: 'custom', path: ['replicaAcks', 'timeout'], message });
  }
}

/** `timeout` defaults to half the command bound: the rest is for the eviction, the round trip and Redis' clock tick. */
export function resolveReplicaAcks(acks: ReplicaAcksOptions | undefined, bound: number): ResolvedReplicaAcks {
  return acks && { replicas: acks.replicas, timeout: acks.timeout ?? Math.max(1, Math.floor(bound / 2)) };
}
