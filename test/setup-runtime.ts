import { Runtime } from '@temporalio/worker';
import { ServiceLogger } from '../src/temporal/service-logger';

// Workers log every state change at INFO; tests want warnings and errors only.
try {
  Runtime.install({ logger: new ServiceLogger('WARN') });
} catch {
  // already installed in this process by an earlier file
}
