import {
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { DELIVERY_FAILED, deliveryStateQuery, replaySignal } from './delivery-contract';
import type { AttemptRecord, DeliveryState, DeliveryStatus } from './delivery-contract';
import { countReplay, countRetry, countStatus } from './delivery-metrics';
import { searchAttributes } from './search-attribute-keys';
import { deliveryEndedSignal } from './signal-tracker-contract';
import type { DeliveryEndStatus } from './signal-tracker-contract';

/**
 * A delivery's state as its query answers it, and every change of its status, which is mirrored
 * into search attributes so listings and the Web UI can filter on it. The first final status also
 * goes to the signal's tracker, when the delivery has one.
 */
export class DeliveryProgress {
  readonly state: DeliveryState;
  private replayRequested = false;
  private endReported = false;

  constructor(
    deliveryId: string,
    private readonly tracker?: string,
  ) {
    this.state = {
      deliveryId,
      status: 'pending',
      attempts: [],
      nextAttemptAt: null,
      deadLetteredAt: null,
      expiresAt: null,
      replays: 0,
      rejectedReason: null,
    };
    setHandler(deliveryStateQuery, () => this.state);
    setHandler(replaySignal, () => {
      if (this.state.status === 'dead_lettered') this.replayRequested = true;
    });
  }

  get status(): DeliveryStatus {
    return this.state.status;
  }

  setStatus(status: DeliveryStatus): void {
    if (status !== this.state.status) countStatus(status);
    this.state.status = status;
    upsertSearchAttributes([
      { key: searchAttributes.deliveryStatus, value: status },
      { key: searchAttributes.deliveryAttempts, value: this.state.attempts.length },
      {
        key: searchAttributes.deadLetteredAt,
        value: this.state.deadLetteredAt ? new Date(this.state.deadLetteredAt) : null,
      },
    ]);
  }

  /** Waits behind an earlier delivery with the same ordering key (null: not told which yet). */
  queue(behind: string | null): void {
    this.state.waitingFor = behind;
    this.setStatus('queued');
  }

  leaveQueue(): void {
    this.state.waitingFor = null;
    this.setStatus('pending');
  }

  recordAttempt(record: AttemptRecord): void {
    this.state.attempts.push(record);
  }

  async reject(reason: string): Promise<DeliveryState> {
    this.state.rejectedReason = reason;
    this.setStatus('rejected');
    await this.reportEnd('rejected');
    return this.state;
  }

  async delivered(): Promise<DeliveryState> {
    this.state.deadLetteredAt = null;
    this.state.expiresAt = null;
    this.setStatus('delivered');
    await this.reportEnd('delivered');
    return this.state;
  }

  /** Shows when the next attempt is due for as long as the wait lasts. */
  async waitToRetry(delayMs: number): Promise<void> {
    this.state.nextAttemptAt = new Date(Date.now() + delayMs).toISOString();
    this.setStatus('retrying');
    countRetry();
    await sleep(delayMs);
    this.state.nextAttemptAt = null;
  }

  /** Keeps the delivery as a dead letter; true when it was replayed before `retentionMs` ran out. */
  async deadLetter(retentionMs: number): Promise<boolean> {
    this.state.deadLetteredAt = new Date().toISOString();
    this.state.expiresAt = new Date(Date.now() + retentionMs).toISOString();
    this.setStatus('dead_lettered');
    await this.reportEnd('dead_lettered');
    if (!(await condition(() => this.replayRequested, retentionMs))) {
      this.state.expiresAt = null;
      this.setStatus('expired');
      return false;
    }
    this.replayRequested = false;
    this.state.replays += 1;
    countReplay();
    this.setStatus('retrying');
    return true;
  }

  /** Marks the delivery failed; the workflow throws what this returns, so the Web UI shows it failed. */
  async failed(): Promise<ApplicationFailure> {
    this.setStatus('failed');
    await this.reportEnd('failed');
    const last = this.state.attempts[this.state.attempts.length - 1];
    return ApplicationFailure.create({
      type: DELIVERY_FAILED,
      nonRetryable: true,
      // Status and kind only: the response body may carry personal data.
      message: `delivery failed after ${this.state.attempts.length} attempts (last: ${last?.error_kind}${
        last?.http_status ? ` ${last.http_status}` : ''
      })`,
      details: [this.state],
    });
  }

  /**
   * Tells the signal's tracker how the delivery first ended, and waits until Temporal has it, so it
   * is sent before the workflow closes. Deliveries without a tracker (all of those started before
   * trackers existed) issue no command, so their histories replay unchanged.
   */
  private async reportEnd(status: DeliveryEndStatus): Promise<void> {
    if (!this.tracker || this.endReported) return;
    this.endReported = true;
    await getExternalWorkflowHandle(this.tracker)
      .signal(deliveryEndedSignal, { deliveryId: this.state.deliveryId, status })
      // A tracker past its horizon has ended; nothing waits for this delivery then.
      .catch(() => undefined);
  }
}
