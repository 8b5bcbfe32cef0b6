import {
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { keyTurnSignal } from './delivery-contract';
import type { KeyTurn } from './delivery-contract';
import { keyQueuedSignal, keyReleasedSignal, sequencerStateQuery } from './delivery-sequencer-contract';
import type { SequencerInput } from './delivery-sequencer-contract';

/** With nothing queued for this long the sequencer ends; the key's next delivery starts it again. */
const IDLE_MS = 60 * 60 * 1000;
/**
 * How often it makes sure the delivery whose turn it is still runs: one ended without releasing the
 * key (terminated with its tenant, say) must not hold it for ever.
 */
const CHECK_MS = 5 * 60 * 1000;
/** Deliveries remembered after their turn, against a repeated intake queuing one again. */
const RECENT = 100;
/** History events after which it continues as new, well below Temporal's limits. */
const MAX_HISTORY = 2_000;

/**
 * Gives the deliveries of one endpoint and ordering key their turn one at a time, in the order the
 * intake queued them. A delivery holds the key from its turn until it is delivered, fails, or is
 * dead-lettered; meanwhile the deliveries queued behind it wait and show which one they wait for.
 * Other keys have sequencers of their own, so they flow in parallel.
 */
export async function deliverySequencerWorkflow(input: SequencerInput): Promise<void> {
  const queue = [...input.queue];
  const recent = [...input.recent];
  let current = input.current;
  /** Deliveries just queued behind others, to be told whom they wait for. */
  const toTell: Array<{ deliveryId: string; behind: string }> = [];

  const endTurn = (deliveryId: string) => {
    recent.push(deliveryId);
    if (recent.length > RECENT) recent.shift();
    if (current === deliveryId) current = null;
  };
  setHandler(keyQueuedSignal, ({ deliveryId }) => {
    if (deliveryId === current || queue.includes(deliveryId) || recent.includes(deliveryId)) return;
    const behind = queue.at(-1) ?? current;
    queue.push(deliveryId);
    if (behind !== null) toTell.push({ deliveryId, behind });
  });
  setHandler(keyReleasedSignal, ({ deliveryId }) => endTurn(deliveryId));
  setHandler(sequencerStateQuery, () => ({ current, queued: queue.length }));

  for (;;) {
    for (const { deliveryId, behind } of toTell.splice(0)) {
      if (!(await tell(deliveryId, { go: false, behind }))) queue.splice(queue.indexOf(deliveryId), 1);
    }
    if (current === null) {
      const next = queue.shift();
      if (next === undefined) {
        if (!(await condition(() => queue.length > 0, IDLE_MS))) return;
        continue;
      }
      current = next;
      // A delivery that no longer runs cannot take its turn: the next one gets it.
      if (!(await tell(next, { go: true, behind: null }))) endTurn(next);
      continue;
    }
    const holder = current;
    const moved = await condition(() => current !== holder || toTell.length > 0, CHECK_MS);
    if (!moved && !(await tell(holder, { go: true, behind: null }))) endTurn(holder);
    if (toTell.length === 0 && workflowInfo().historyLength > MAX_HISTORY) {
      await continueAsNew<typeof deliverySequencerWorkflow>({
        endpointId: input.endpointId,
        queue,
        current,
        recent,
      });
    }
  }
}

/** Signals a delivery; false when it has ended (or never started), so it cannot hear it. */
async function tell(deliveryId: string, turn: KeyTurn): Promise<boolean> {
  try {
    await getExternalWorkflowHandle(deliveryId).signal(keyTurnSignal, turn);
    return true;
  } catch (error) {
    if (isCancellation(error)) throw error;
    return false;
  }
}
