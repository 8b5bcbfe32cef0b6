import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { PORTAL_SESSION_ID } from '../../auth/portal-tokens';
import { portalLinkSecondsSchema } from '../../schemas/portal';
import { createPortalLink, revokePortalLinks } from '../../services/portal-sessions';
import type { CliContext } from '../context';
import { CliError, EXIT } from '../errors';
import { keyValues } from '../format';
import * as valid from '../validate';
import type { JsonOption } from './common';
import { withJson } from './common';

const seconds = (value: string): number => {
  const parsed = portalLinkSecondsSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]!.message);
  return parsed.data;
};

const sessionId = (value: string): string => {
  if (!PORTAL_SESSION_ID.test(value)) throw new InvalidArgumentError('must be a portal session id (ps_…)');
  return value;
};

const baseUrl = (value: string): string => {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new InvalidArgumentError('must be an http(s) URL');
  }
  return value;
};

/** `tenants portal-link` and `tenants revoke-portal-link`: the API's portal-sessions routes. */
export function registerPortalLinks(tenants: Command, ctx: CliContext): void {
  withJson(
    tenants
      .command('portal-link')
      .description("a short-lived link to the tenant's customer portal, for its customer to open")
      .argument('<tenantId>', 'tenant id (ten_…)', valid.tenantId)
      .option(
        '--ttl-seconds <n>',
        'how long the link lasts (default: SIGNAL_PUSH_PORTAL_LINK_SECONDS, 3600)',
        seconds,
      )
      .option('--base-url <url>', 'where customers reach the API (default: SIGNAL_PUSH_PORTAL_URL)', baseUrl),
  ).action(async (tenantId: string, options: JsonOption & { ttlSeconds?: number; baseUrl?: string }) => {
    const portal = await ctx.portal();
    const link = await createPortalLink(portal, tenantId, {
      baseUrl: options.baseUrl ?? portal.baseUrl,
      ttlSeconds: options.ttlSeconds ?? portal.linkSeconds,
    });
    if (!link) throw new CliError('tenant not found', EXIT.notFound);
    ctx.print(options.json, link, () =>
      keyValues([
        ['url', link.url],
        ['session', link.session_id],
        ['expires at', link.expires_at],
      ]),
    );
  });

  withJson(
    tenants
      .command('revoke-portal-link')
      .description(
        'revoke one portal link (and the session it opened), or with --all every link issued so far',
      )
      .argument('<tenantId>', 'tenant id (ten_…)', valid.tenantId)
      .argument('[sessionId]', "the link's session id (ps_…)", sessionId)
      .option('--all', 'every link of the tenant issued so far'),
  ).action(async (tenantId: string, session: string | undefined, options: JsonOption & { all?: boolean }) => {
    if ((session === undefined) === (options.all !== true)) {
      throw new CliError('name one session id, or --all', EXIT.usage);
    }
    const which = session ?? 'all';
    if (!(await revokePortalLinks(await ctx.portal(), tenantId, which))) {
      throw new CliError('tenant not found', EXIT.notFound);
    }
    ctx.print(options.json, { tenant_id: tenantId, revoked: which }, () =>
      which === 'all' ? `revoked every portal link of ${tenantId}\n` : `revoked portal link ${which}\n`,
    );
  });
}
