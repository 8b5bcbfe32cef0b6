/**
 * Rate-limit slots, handed out by an endpoint's health workflow. A slot is a reservation to send one
 * request in [slot, slot + SLOT_WINDOW_MS]: the attempt waits for the slot and, if it reaches it
 * later than that, does not send and asks for a new one. Slots are spaced by the limit's interval
 * plus that window plus ARRIVAL_MARGIN_MS, so consecutive requests leave at least one interval
 * apart and reach the receiver so: at most N in any minute for a limit of N a minute, with no burst
 * when several wait at once or a worker runs late.
 */
export const SLOT_WINDOW_MS = 50;
/** Variation in the time a request takes to reach the receiver once sent. */
export const ARRIVAL_MARGIN_MS = 10;
/** How far ahead the first slot lies: the answer's trip to the delivery and the attempt's start. */
export const SLOT_LEAD_MS = 500;
/** A delivery that missed its slot this many times in a row gets the longest lead. */
const MAX_LEAD_DOUBLINGS = 5;

export interface SlotBook {
  /** Epoch ms before which no slot is free. */
  nextSlotAt: number;
}

/** Failure type of an attempt that reached its slot too late and sent nothing. */
export const SLOT_MISSED = 'SlotMissed';

/** The spacing of slots for a limit of `perMinute` requests a minute. */
export const slotSpacingMs = (perMinute: number): number =>
  60_000 / perMinute + SLOT_WINDOW_MS + ARRIVAL_MARGIN_MS;

/**
 * The next slot (epoch ms) for a request asking at `now`, booked in `book`. A delivery that missed
 * its previous slots (`missed` times in a row, say under heavy load) is given a longer lead.
 */
export function bookSlot(book: SlotBook, perMinute: number, now: number, missed = 0): number {
  const lead = SLOT_LEAD_MS * 2 ** Math.min(missed, MAX_LEAD_DOUBLINGS);
  const at = Math.max(book.nextSlotAt, now + lead);
  book.nextSlotAt = at + slotSpacingMs(perMinute);
  return at;
}
