import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
import { createServiceLog } from '../../src/log/service-log';
import { RuntimeLog } from '../../src/temporal/runtime-log';

function capture(level: 'INFO' | 'DEBUG') {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { lines, runtime: new RuntimeLog(createServiceLog(level, sink)) };
}

const WEBPACK_REPORT =
  'asset workflow-bundle-da3dc3e1d69fb8b1b984.js 3.33 MiB [emitted] [immutable] (name: main)\n' +
  'webpack 5.112.2 compiled successfully in 4898 ms';

test("webpack's report on the workflow bundle is a DEBUG line; the SDK's one-line summary stays at INFO", () => {
  const info = capture('INFO');
  info.runtime.info(WEBPACK_REPORT, { sdkComponent: 'worker' });
  info.runtime.info('Workflow bundle created', { sdkComponent: 'worker', size: '3.33MB' });
  expect(info.lines.map(({ level, msg }) => ({ level, msg }))).toEqual([
    { level: 'info', msg: 'Workflow bundle created' },
  ]);
  const debug = capture('DEBUG');
  debug.runtime.info(WEBPACK_REPORT, { sdkComponent: 'worker' });
  expect(debug.lines.map(({ level }) => level)).toEqual(['debug']);
});

test('a failed delivery is one warning naming it, why and the request, without the error and its stack', () => {
  const { lines, runtime } = capture('INFO');
  const error = new Error('delivery failed after 4 attempts (last: timeout)');
  runtime.warn('Workflow failed', {
    workflowType: 'deliveryWorkflow',
    workflowId: 'dlv_ep_1_sig_1',
    request_id: 'req-7',
    error,
  });
  expect(lines).toEqual([
    expect.objectContaining({
      level: 'warn',
      deliveryId: 'dlv_ep_1_sig_1',
      reason: error.message,
      request_id: 'req-7',
      msg: `Delivery dlv_ep_1_sig_1 failed: ${error.message}`,
    }),
  ]);
  expect(lines[0]).not.toHaveProperty('error');
});
