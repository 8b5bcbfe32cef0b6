import type { Lane } from './delivery-lane';
import { LANES } from './delivery-lane';

/**
 * Lets a bounded number of workflow starts be in flight to Temporal at once, and when more wait,
 * lets them go hot before cold and, within a lane, one tenant after another.
 *
 * Temporal orders the dispatch of tasks by priority and fairness key, but not the starts: a start
 * waits behind every start sent before it. One tenant's flood (32 intake calls of 10 endpoints
 * each, 320 starts in flight) made another tenant's hot signal wait 3-4 s for its 202 on a quiet
 * machine (BENCHMARKS.md). With the starts in flight bounded, a newcomer waits for a free place
 * here, where it is next in its lane, instead of behind everything already sent.
 *
 * What waits here has not been accepted: its intake call is still open and gets its 202 only once
 * Temporal has recorded the start, so a crash loses nothing the sender was told was taken.
 */
export class StartAdmission {
  private inFlight = 0;
  /** Per lane, each tenant's waiting starts; a Map keeps the tenants in turn order. */
  private readonly waiting: Record<Lane, Map<string, Array<() => void>>> = {
    hot: new Map(),
    cold: new Map(),
  };

  constructor(private readonly limit: number) {}

  async run<T>(tenantId: string, lane: Lane, start: () => Promise<T>): Promise<T> {
    if (this.inFlight < this.limit) this.inFlight++;
    else await new Promise<void>((admit) => this.enqueue(lane, tenantId, admit));
    try {
      return await start();
    } finally {
      this.release();
    }
  }

  private enqueue(lane: Lane, tenantId: string, admit: () => void): void {
    const tenants = this.waiting[lane];
    const queue = tenants.get(tenantId);
    if (queue) queue.push(admit);
    else tenants.set(tenantId, [admit]);
  }

  /** Hands the freed place to the next start waiting, or gives it back. */
  private release(): void {
    for (const lane of LANES) {
      const tenants = this.waiting[lane];
      const first = tenants.entries().next();
      if (first.done) continue;
      const [tenantId, queue] = first.value;
      const admit = queue.shift();
      // The tenant goes to the back of its lane's turn order, behind the others waiting.
      tenants.delete(tenantId);
      if (queue.length > 0) tenants.set(tenantId, queue);
      if (admit) {
        admit();
        return;
      }
    }
    this.inFlight--;
  }
}
