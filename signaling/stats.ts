/**
 * Counters for a future /metrics endpoint. Counts only: nothing here can
 * say who talked to whom.
 */
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
  /** Refusals and forced closes, by reason (HTTP refusals, error codes, close reasons). */
  rejects: Record<string, number>;
}

export class RelayCounters {
  connectionsTotal = 0;
  authenticatedTotal = 0;
  framesIn = 0;
  delivered = 0;
  knocksDelivered = 0;
  readonly rejects: Record<string, number> = {};

  reject(reason: string): void {
    this.rejects[reason] = (this.rejects[reason] ?? 0) + 1;
  }
}
