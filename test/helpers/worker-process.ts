// A worker in a process of its own, so a test can kill it like a crashed machine (SIGKILL) or stop
// it the way an orchestrator does (SIGTERM).
import { Runtime } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import { startService } from '../../src/service';
import { ServiceLogger } from '../../src/temporal/service-logger';

const config = loadConfig({ ...process.env, SIGNAL_PUSH_ROLE: 'worker' });
Runtime.install({ logger: new ServiceLogger(config.logLevel) });
startService(config, {
  workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
}).then(
  (service) => {
    process.once('SIGTERM', () => {
      service.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
    process.stdout.write('worker ready\n');
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
