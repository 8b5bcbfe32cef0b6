// A worker in a process of its own, so a test can kill it with SIGKILL like a crashed machine.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import { startService } from '../../src/service';

Runtime.install({ logger: new DefaultLogger('ERROR') });
startService(loadConfig({ ...process.env, SIGNAL_PUSH_ROLE: 'worker' }), {
  workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
}).then(
  () => process.stdout.write('worker ready\n'),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
