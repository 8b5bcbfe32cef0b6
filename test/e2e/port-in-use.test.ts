import net from 'node:net';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, inject, test } from 'vitest';
import { loadConfig } from '../../src/config';
import { startService } from '../../src/service';
import { TEST_CODEC_KEYS } from '../helpers/stack';

// A port another program holds: the start must fail and say which setting to change, never report
// a running API that listens nowhere.
test.each([
  ['the API', 'api', 'PORT'],
  ['a worker-only process', 'worker', 'SIGNAL_PUSH_OPS_PORT'],
])('%s does not start on a port in use, and names the setting', async (_, role, setting) => {
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const { port } = holder.address() as net.AddressInfo;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'signal-push-port-'));
  try {
    const config = loadConfig({
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `test-port-in-use-${role}`,
      SIGNAL_PUSH_ROLE: role,
      PORT: '0',
      SIGNAL_PUSH_OPS_PORT: '0',
      [setting]: String(port),
      SIGNAL_PUSH_OPERATOR_KEY: 'spo_test_port_in_use_operator_key_0123456789',
      SIGNAL_PUSH_DATA_DIR: dataDir,
      SIGNAL_PUSH_CODEC_KEYS: TEST_CODEC_KEYS,
    });
    const failure = await startService(config, { workflowBundlePath: inject('workflowBundlePath') }).then(
      async (service) => {
        await service.stop();
        return undefined;
      },
      (error: Error) => error,
    );
    expect(failure?.message).toBe(`${setting}: listen EADDRINUSE: address already in use 127.0.0.1:${port}`);
  } finally {
    holder.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
});
