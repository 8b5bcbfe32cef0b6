import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
import { runInRequest } from '../../src/log/request-context';
import { createServiceLog } from '../../src/log/service-log';

test('a line logged while a request is served carries its request_id, and one logged outside none', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  const log = createServiceLog('INFO', sink);
  await runInRequest('req-1', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    log.warn('inside, after an await');
  });
  log.warn('outside');
  expect(lines.map(({ msg, request_id }) => ({ msg, request_id }))).toEqual([
    { msg: 'inside, after an await', request_id: 'req-1' },
    { msg: 'outside', request_id: undefined },
  ]);
});
