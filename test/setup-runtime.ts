import { DefaultLogger, Runtime } from '@temporalio/worker';

// Workers log every state change at INFO; tests want warnings and errors only.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed in this process by an earlier file
}
