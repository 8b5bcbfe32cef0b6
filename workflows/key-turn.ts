import { condition, getExternalWorkflowHandle, isCancellation, setHandler } from '@temporalio/workflow';
import { keyTurnSignal } from './delivery-contract';
import type { DeliveryInput, KeyTurn } from './delivery-contract';
import type { DeliveryProgress } from './delivery-progress';
import { keyReleasedSignal } from './delivery-sequencer-contract';

/**
 * An ordered delivery's side of its key's sequencer (workflows/delivery-sequencer.ts): it waits,
 * queued, for its turn, and releases the key when its round ends. Unordered deliveries pass through.
 */
export class KeyTurnWait {
  private answer: KeyTurn | undefined;
  private released = false;

  constructor(
    private readonly deliveryId: string,
    private readonly ordering: DeliveryInput['ordering'],
    private readonly progress: DeliveryProgress,
  ) {
    setHandler(keyTurnSignal, (turn) => {
      // A go is final; a later "wait" (the sequencer checking the delivery still runs) changes nothing.
      if (!this.answer?.go) this.answer = turn;
    });
  }

  async wait(): Promise<void> {
    if (!this.ordering) return;
    let shown: string | null | undefined;
    for (;;) {
      await condition(() => this.answer !== undefined && (this.answer.go || this.answer.behind !== shown));
      const answer = this.answer!;
      if (answer.go) break;
      shown = answer.behind;
      this.progress.queue(shown);
    }
    if (this.progress.status === 'queued') this.progress.leaveQueue();
  }

  /** Lets the key's next delivery go; once, and only for an ordered delivery. */
  async release(): Promise<void> {
    if (!this.ordering || this.released) return;
    this.released = true;
    try {
      await getExternalWorkflowHandle(this.ordering.sequencerId).signal(keyReleasedSignal, {
        deliveryId: this.deliveryId,
      });
    } catch (error) {
      if (isCancellation(error)) throw error;
    }
  }
}
