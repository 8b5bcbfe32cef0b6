/** Something listed in the order it was made: endpoints and tenants. */
export interface Created {
  id: string;
  created_at: string;
}

/** Where a page ends: the last item's creation time and id, which hold even if it is deleted. */
export type CreationPosition = [createdAt: string, id: string];

export interface CreationPageOptions {
  /** The position of the previous page's last item. */
  after?: CreationPosition | undefined;
  /** ISO instants: created at or after `since`, before `until`. */
  since?: string | undefined;
  until?: string | undefined;
}

/** A page, oldest first, and where the next one starts (null: this is the last). */
export interface CreationPage<T> {
  items: T[];
  next: CreationPosition | null;
}

const order = (a: Created, b: Created): number =>
  a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id);

const isPosition = (value: unknown): value is CreationPosition =>
  Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'string');

/** A cursor's position, if it holds one. */
export const creationPosition = (value: unknown): CreationPosition | undefined =>
  isPosition(value) ? value : undefined;

/** The items after `after` within the range, at most `limit` of them, oldest first. */
export function creationPage<T extends Created>(
  all: readonly T[],
  limit: number,
  { after, since, until }: CreationPageOptions = {},
): CreationPage<T> {
  const from = since === undefined ? undefined : Date.parse(since);
  const to = until === undefined ? undefined : Date.parse(until);
  const rest = [...all].sort(order).filter((item) => {
    const at = Date.parse(item.created_at);
    if (from !== undefined && at < from) return false;
    if (to !== undefined && at >= to) return false;
    return !after || order(item, { created_at: after[0], id: after[1] }) > 0;
  });
  const items = rest.slice(0, limit);
  const last = items.at(-1);
  return { items, next: rest.length > limit && last ? [last.created_at, last.id] : null };
}
