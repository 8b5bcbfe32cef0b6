import { serviceLog } from '../src/log/service-log';
import { installRuntimeLog } from '../src/temporal/runtime-log';

// Workers log every state change at INFO; tests want warnings and errors only.
try {
  installRuntimeLog(serviceLog(), 'WARN');
} catch {
  // already installed in this process by an earlier file
}
