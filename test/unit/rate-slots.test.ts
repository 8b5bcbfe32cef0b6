import { expect, test } from 'vitest';
import { SLOT_LEAD_MS, SLOT_WINDOW_MS, bookSlot, slotSpacingMs } from '../../workflows/rate-slots';

test('an idle endpoint gives the first request a slot one lead ahead, never "go now"', () => {
  const book = { nextSlotAt: 0 };
  expect(bookSlot(book, 60, 10_000)).toBe(10_000 + SLOT_LEAD_MS);
});

test.each([
  [60, 'PQ Intel Pro'],
  [120, 'a faster plan'],
  [1, 'one a minute'],
])(
  'at %i a minute (%s), requests asking together get slots a full interval plus the send window apart',
  (perMinute) => {
    const book = { nextSlotAt: 0 };
    const slots = Array.from({ length: 5 }, () => bookSlot(book, perMinute, 10_000));
    const gaps = slots.slice(1).map((slot, i) => slot - slots[i]!);
    for (const gap of gaps) {
      expect(gap).toBe(slotSpacingMs(perMinute));
      // Sent anywhere in its window, a request still leaves a full interval after the previous one.
      expect(gap - SLOT_WINDOW_MS).toBeGreaterThan(60_000 / perMinute);
    }
  },
);

test("PQ Intel's 60 a minute: 75 requests asking at once never put more than 60 in any 60 s", () => {
  const book = { nextSlotAt: 0 };
  // Each is sent anywhere in its window: the latest send of one against the earliest of the next.
  const windows = Array.from({ length: 75 }, () => bookSlot(book, 60, 10_000)).map((slot) => ({
    earliest: slot,
    latest: slot + SLOT_WINDOW_MS,
  }));
  const mostInAnyMinute = Math.max(
    ...windows.map(
      (start) =>
        windows.filter((w) => w.earliest >= start.earliest && w.earliest <= start.earliest + 60_000).length,
    ),
  );
  expect(mostInAnyMinute).toBeLessThanOrEqual(60);
  const closest = Math.min(...windows.slice(1).map((w, i) => w.earliest - windows[i]!.latest));
  expect(closest).toBeGreaterThanOrEqual(1000);
});

test('a request asking after the booked ones waits its turn; one asking after a quiet spell gets the lead again', () => {
  const book = { nextSlotAt: 0 };
  const first = bookSlot(book, 60, 0);
  expect(bookSlot(book, 60, 100)).toBe(first + slotSpacingMs(60));
  expect(bookSlot(book, 60, 60_000)).toBe(60_000 + SLOT_LEAD_MS);
});

test('a delivery that missed its slots gets a doubling lead, up to 32 times the first', () => {
  expect(bookSlot({ nextSlotAt: 0 }, 60, 0, 1)).toBe(2 * SLOT_LEAD_MS);
  expect(bookSlot({ nextSlotAt: 0 }, 60, 0, 3)).toBe(8 * SLOT_LEAD_MS);
  expect(bookSlot({ nextSlotAt: 0 }, 60, 0, 50)).toBe(32 * SLOT_LEAD_MS);
});
