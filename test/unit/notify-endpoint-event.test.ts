import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { ParsedMail } from 'mailparser';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import type { EndpointEvent, NotifierConfig, NotifierDeps } from '../../activities/notify-endpoint-event';
import { notifyEndpointEvent } from '../../activities/notify-endpoint-event';
import type { ReceivedRequest, Receiver, Reply } from '../helpers/receiver';
import { startReceiver } from '../helpers/receiver';

const OWNER = 'owner@tenant.example';
const SECRET = 'ops-secret-0123456789abcdef';

interface Mailbox {
  url: string;
  mails: ParsedMail[];
  close(): Promise<void>;
}

/** A real SMTP server on loopback that parses and keeps every message it accepts. */
async function startMailbox(): Promise<Mailbox> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          mails.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let mailbox: Mailbox;
let dispatcher: Agent;
const receivers: Receiver[] = [];

beforeAll(async () => {
  mailbox = await startMailbox();
  dispatcher = new Agent();
});
afterEach(async () => {
  mailbox.mails.length = 0;
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});
afterAll(async () => {
  await mailbox?.close();
  await dispatcher?.close();
});

async function opsReceiver(reply?: (request: ReceivedRequest) => Reply): Promise<Receiver> {
  const receiver = await startReceiver(reply);
  receivers.push(receiver);
  return receiver;
}

/** `owner: null` stands for a tenant without an owner e-mail. */
function depsWith(config: Partial<NotifierConfig>, owner: string | null = OWNER): NotifierDeps {
  return {
    config: { smtp: undefined, opsWebhook: undefined, ...config },
    dispatcher,
    userAgent: 'signal-push/test',
    ownerEmail: async () => owner ?? undefined,
  };
}

function smtpConfig(): NotifierConfig['smtp'] {
  return { url: mailbox.url, from: 'signal-push <no-reply@signal-push.test>' };
}

function paused(overrides: Partial<EndpointEvent> = {}): EndpointEvent {
  return {
    id: `evt_${crypto.randomBytes(8).toString('hex')}`,
    type: 'endpoint.paused',
    occurred_at: '2025-03-04T05:06:07.000Z',
    tenant_id: 'ten_1',
    endpoint_id: 'ep_42',
    endpoint_label: 'CRM sync',
    reason: 'failure_streak',
    consecutive_failures: 20,
    threshold: 20,
    ...overrides,
  };
}

test('a paused endpoint e-mails the owner the reason, the streak, and how to resume, without any URL', async () => {
  const event = paused();
  const result = await notifyEndpointEvent(depsWith({ smtp: smtpConfig() }), event);

  expect(result).toEqual({ emailed: true, posted: false });
  expect(mailbox.mails).toHaveLength(1);
  const mail = mailbox.mails[0]!;
  expect(mail.to).toMatchObject({ text: OWNER });
  expect(mail.subject).toBe('[signal-push] Endpoint "CRM sync" paused: 20 consecutive failed deliveries');
  expect(mail.headers.get('x-signal-push-event-id')).toBe(event.id);
  const text = mail.text ?? '';
  expect(text).toContain('ep_42');
  expect(text).toContain('too many consecutive failed deliveries');
  expect(text).toContain('Consecutive failures: 20 (pause threshold: 20)');
  expect(text).toContain('2025-03-04T05:06:07.000Z');
  expect(text).toContain('held, not dropped');
  expect(text).toContain('POST /v1/endpoints/ep_42/resume');
  expect(text).toContain('tenant API key');
  expect(text).not.toMatch(/https?:\/\//);
});

test('a resumed endpoint e-mails the owner that held deliveries are being released', async () => {
  const event = paused({ type: 'endpoint.resumed', reason: null, consecutive_failures: 0 });
  const result = await notifyEndpointEvent(depsWith({ smtp: smtpConfig() }), event);

  expect(result).toEqual({ emailed: true, posted: false });
  const mail = mailbox.mails[0]!;
  expect(mail.subject).toBe('[signal-push] Endpoint "CRM sync" resumed');
  expect(mail.headers.get('x-signal-push-event-id')).toBe(event.id);
  expect(mail.text).toContain('has been resumed');
  expect(mail.text).toContain('released');
  expect(mail.text).not.toContain('Reason:');
});

test('an endpoint a probe brought back e-mails the owner that it recovered, and that its dead letters follow', async () => {
  const event = paused({ type: 'endpoint.resumed', reason: 'recovered', consecutive_failures: 0 });
  await notifyEndpointEvent(depsWith({ smtp: smtpConfig() }), event);

  const mail = mailbox.mails[0]!;
  expect(mail.subject).toBe('[signal-push] Endpoint "CRM sync" is back: resumed after it answered a probe');
  expect(mail.text).toContain('Reason:               it answered a signed probe with a 2xx');
  expect(mail.text).toContain('released');
  expect(mail.text).toContain('dead letters from the outage follow, oldest first');
});

test('an endpoint whose probes all failed e-mails the owner that it stays paused until they resume it', async () => {
  const event = paused({ type: 'endpoint.probes_exhausted', probes: 48 });
  await notifyEndpointEvent(depsWith({ smtp: smtpConfig() }), event);

  const mail = mailbox.mails[0]!;
  expect(mail.subject).toBe(
    '[signal-push] Endpoint "CRM sync" is still down after 48 probes: it stays paused until you resume it',
  );
  const text = mail.text ?? '';
  expect(text).toContain('failed all 48 probes signal-push sent since the pause, and no more will be sent');
  expect(text).toContain('held, not dropped');
  expect(text).toContain('POST /v1/endpoints/ep_42/resume');
  expect(text).not.toContain('has been paused');
});

test('the ops webhook receives the event as JSON signed with HMAC-SHA256 over the raw body', async () => {
  const receiver = await opsReceiver();
  const event = paused({ reason: 'gone', consecutive_failures: 1 });
  const result = await notifyEndpointEvent(
    depsWith({ opsWebhook: { url: `${receiver.url}?k=v`, secret: SECRET } }),
    event,
  );

  expect(result).toEqual({ emailed: false, posted: true });
  const [request] = await receiver.waitFor(1);
  expect(request!.method).toBe('POST');
  expect(request!.headers['content-type']).toBe('application/json');
  expect(request!.headers['user-agent']).toBe('signal-push/test');
  expect(request!.headers['x-signal-push-event-id']).toBe(event.id);
  const expected = crypto.createHmac('sha256', SECRET).update(request!.rawBody).digest('hex');
  expect(request!.headers['x-signal-push-signature']).toBe(expected);
  expect(JSON.parse(request!.rawBody.toString('utf8'))).toEqual(event);
});

test('no mail is sent when SMTP is not configured or the tenant has no owner e-mail', async () => {
  const withoutSmtp = await notifyEndpointEvent(depsWith({}), paused());
  const withoutOwner = await notifyEndpointEvent(depsWith({ smtp: smtpConfig() }, null), paused());

  expect(withoutSmtp.emailed).toBe(false);
  expect(withoutOwner.emailed).toBe(false);
  expect(mailbox.mails).toHaveLength(0);
});

test('a 500 from the ops webhook rejects the call, naming the status, after the e-mail was still sent', async () => {
  const receiver = await opsReceiver(() => ({ status: 500, body: 'boom' }));
  const event = paused({ reason: 'manual' });
  const call = notifyEndpointEvent(
    depsWith({ smtp: smtpConfig(), opsWebhook: { url: `${receiver.url}?token=hidden`, secret: SECRET } }),
    event,
  );

  const error = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toContain('ops webhook (HTTP 500)');
  expect((error as Error).message).not.toContain('hidden');
  expect((error as Error).message).not.toContain(SECRET);
  expect(receiver.requests).toHaveLength(1);
  expect(mailbox.mails).toHaveLength(1);
  expect(mailbox.mails[0]!.subject).toBe('[signal-push] Endpoint "CRM sync" paused by an operator');
});

test('with nothing configured, nothing is sent and the call reports so', async () => {
  let ownerLookups = 0;
  const deps = depsWith({});
  deps.ownerEmail = async () => {
    ownerLookups += 1;
    return OWNER;
  };

  await expect(notifyEndpointEvent(deps, paused())).resolves.toEqual({ emailed: false, posted: false });
  expect(ownerLookups).toBe(0);
  expect(mailbox.mails).toHaveLength(0);
});
