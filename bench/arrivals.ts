const DELIVERY_ID = /^dlv_(ep_[0-9a-f]{16})_sig_(b|warm_)(\d+)$/;

/**
 * When each benchmark signal was sent and each of its deliveries first arrived, in arrays sized
 * once: the benchmark's own bookkeeping stays the same size however long it runs, so what grows
 * in the process over a long run is the service.
 */
export class Arrivals {
  /** Send time (ms since epoch) by signal number. */
  readonly sentAt: Float64Array;
  /** First arrival (ms since epoch, 0 before it) by signal number × endpoint. */
  private readonly arrivedAt: Float64Array;
  private readonly warmUpSeen = new Set<string>();
  received = 0;
  duplicated = 0;
  lastArrival = 0;
  /** Requests whose delivery id names no benchmark signal or endpoint. */
  unexpected = 0;

  constructor(
    signals: number,
    private readonly endpointIndex: ReadonlyMap<string, number>,
  ) {
    this.sentAt = new Float64Array(signals);
    this.arrivedAt = new Float64Array(signals * endpointIndex.size);
  }

  get warmUpReceived(): number {
    return this.warmUpSeen.size;
  }

  record(deliveryId: string, at: number): void {
    const match = DELIVERY_ID.exec(deliveryId);
    const endpoint = match ? this.endpointIndex.get(match[1]!) : undefined;
    if (!match || endpoint === undefined) {
      this.unexpected += 1;
      return;
    }
    if (match[2] === 'warm_') {
      if (this.warmUpSeen.has(deliveryId)) this.duplicated += 1;
      this.warmUpSeen.add(deliveryId);
      return;
    }
    const slot = Number(match[3]) * this.endpointIndex.size + endpoint;
    if (slot >= this.arrivedAt.length) {
      this.unexpected += 1;
      return;
    }
    if (this.arrivedAt[slot]) {
      this.duplicated += 1;
      return;
    }
    this.arrivedAt[slot] = at;
    this.received += 1;
    this.lastArrival = Math.max(this.lastArrival, at);
  }

  /** Intake to first arrival, in ms, of every delivery that arrived. */
  latencies(): Float64Array {
    const latencies = new Float64Array(this.received);
    let i = 0;
    for (let slot = 0; slot < this.arrivedAt.length; slot++) {
      const at = this.arrivedAt[slot]!;
      if (at) latencies[i++] = at - this.sentAt[Math.floor(slot / this.endpointIndex.size)]!;
    }
    return latencies;
  }
}
