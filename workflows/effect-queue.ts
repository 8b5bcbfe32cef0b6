import { patched } from '@temporalio/workflow';

/** Histories that answered held deliveries one workflow task each replay that way. */
const BATCHES_PATCH = 'endpoint-health-batched-answers';

type Effect = () => Promise<unknown>;

/**
 * Side effects that a workflow's handlers queue and its main loop runs in order, so the handlers
 * stay synchronous. Batched effects (answers to deliveries) that come in a row run together: their
 * commands leave in one workflow task, so a resume releases a thousand held deliveries at once
 * rather than one task each.
 */
export class EffectQueue {
  private readonly queue: Array<{ effect: Effect; batched: boolean }> = [];

  get length(): number {
    return this.queue.length;
  }

  push(effect: Effect, batched = false): void {
    this.queue.push({ effect, batched });
  }

  async runAll(): Promise<void> {
    while (this.queue.length > 0) {
      const first = this.queue.shift()!;
      if (!first.batched || !patched(BATCHES_PATCH)) {
        await first.effect();
        continue;
      }
      const batch = [first.effect];
      while (this.queue[0]?.batched) batch.push(this.queue.shift()!.effect);
      await Promise.all(batch.map((effect) => effect()));
    }
  }
}
