/**
 * Counters for a future /metrics endpoint. Counts only: nothing here can
 * say who talked to whom.
 */
import type { ClusterStats } from './cluster.ts';
import type { PushStats } from './push/service.ts';

export interface RelayStatsSnapshot {
  /** Sockets open now (authenticated or not). */
  connections: number;
  /** Authenticated devices connected now. */
  devices: number;
  /** Pairing handles live now. */
  pairHandles: number;
  connectionsTotal: number;
  authenticatedTotal: number;
  framesIn: number;
  delivered: number;
  knocksDelivered: number;
  /** TURN credentials handed out in `welcome` frames. */
  turnCredentialsIssued: number;
  /** Refusals and forced closes, by reason (HTTP refusals, error codes, close reasons). */
  rejects: Record<string, number>;
  /** Redis link of a relay started with a Redis URL (`cluster.ts`); null when the relay runs alone. */
  cluster: ClusterStats | null;
  /** Web Push counts (issue 13); null when push is off. Counts only: no endpoint, no content. */
  push?: PushStats | null;
}

export class RelayCounters {
  connectionsTotal = 0;
  authenticatedTotal = 0;
  framesIn = 0;
  delivered = 0;
  knocksDelivered = 0;
  turnCredentialsIssued = 0;
  readonly rejects: Record<string, number> = {};

  reject(reason: string): void {
    this.rejects[reason] = (this.rejects[reason] ?? 0) + 1;
  }
}
