import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CreationPosition } from '../services/creation-pages';
import { creationPosition } from '../services/creation-pages';
import { HttpError } from './errors';

/**
 * Opaque `next_cursor`s: where a listing goes on (a visibility page token, or the last item of a
 * page), bound to the listing and its filters, and signed. A cursor edited by hand, or reused with
 * other filters, is refused with a 400 naming `query.cursor` instead of reaching Temporal, which
 * would answer a mangled page token with an error of its own, or a page from nowhere in particular.
 * The signing key derives from the operator key, so every API process of a deployment accepts the
 * cursors of the others, and none survives a change of operator key.
 */
export class PageCursors {
  private readonly key: Buffer;

  constructor(operatorKeyHash: string) {
    this.key = createHmac('sha256', operatorKeyHash).update('signal-push page cursor').digest();
  }

  /** `scope` names the listing and its filters, e.g. `['deliveries', tenantId, query]`. */
  encode(scope: unknown, position: unknown): string {
    const body = Buffer.from(JSON.stringify(position)).toString('base64url');
    return `${body}.${this.mac(scope, body).toString('base64url')}`;
  }

  /** The position a cursor holds; a 400 naming `query.cursor` when it is not one of ours for `scope`. */
  decode(scope: unknown, cursor: string): unknown {
    const [body, mac, ...rest] = cursor.split('.');
    const given = Buffer.from(mac ?? '', 'base64url');
    const expected = body === undefined ? undefined : this.mac(scope, body);
    if (
      rest.length > 0 ||
      !expected ||
      given.length !== expected.length ||
      !timingSafeEqual(given, expected)
    ) {
      throw invalidCursor();
    }
    try {
      return JSON.parse(Buffer.from(body!, 'base64url').toString('utf8'));
    } catch {
      throw invalidCursor();
    }
  }

  /** A cursor of a listing in creation order (endpoints, tenants): the last item's time and id. */
  decodeCreation(scope: unknown, cursor: string): CreationPosition {
    const position = creationPosition(this.decode(scope, cursor));
    if (!position) throw invalidCursor();
    return position;
  }

  private mac(scope: unknown, body: string): Buffer {
    return createHmac('sha256', this.key).update(JSON.stringify(scope)).update('\n').update(body).digest();
  }
}

export const invalidCursor = (): HttpError =>
  new HttpError(
    400,
    'validation_failed',
    'invalid request: query.cursor: not a next_cursor of this listing',
    [
      {
        field: 'query.cursor',
        problem: 'must be the next_cursor of a previous page of this listing, with the same filters',
      },
    ],
  );
