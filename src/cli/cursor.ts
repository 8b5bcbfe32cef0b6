import { createHash } from 'node:crypto';
import { CliError, EXIT } from './errors';

/*
 * `--cursor`: where a listing goes on, as the API's `next_cursor` is, bound to the listing and its
 * filters. The CLI reads Temporal with the operator's own rights, so its cursors need no secret: a
 * checksum over the listing's scope catches a cursor reused with other filters, or mangled, before
 * it reaches a query.
 */

const tag = (scope: unknown, body: string): string =>
  createHash('sha256')
    .update(JSON.stringify(scope))
    .update('\n')
    .update(body)
    .digest('base64url')
    .slice(0, 16);

export function encodeCursor(scope: unknown, position: unknown): string {
  const body = Buffer.from(JSON.stringify(position)).toString('base64url');
  return `${body}.${tag(scope, body)}`;
}

/** The position `cursor` holds for `scope`, as `read` accepts it; a usage error otherwise. */
export function decodeCursor<T>(scope: unknown, cursor: string, read: (value: unknown) => T | undefined): T {
  const [body = '', given, ...rest] = cursor.split('.');
  let position: T | undefined;
  if (rest.length === 0 && given === tag(scope, body)) {
    try {
      position = read(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    } catch {
      position = undefined;
    }
  }
  if (position === undefined) {
    throw new CliError(
      '--cursor: not a cursor of this listing with these filters (use the next_cursor it printed)',
      EXIT.usage,
    );
  }
  return position;
}

/** What a listing prints after its table when another page follows. */
export const nextPageHint = (next: string | null): string =>
  next === null ? '' : `more: run again with --cursor ${next}\n`;
