import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { inject } from 'vitest';

export interface WorkerChild {
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
  /** SIGTERM: a graceful stop; resolves with the exit code. */
  terminate(): Promise<number | null>;
  /** What the process wrote to stderr so far (its log). */
  stderr(): string;
  /** Where it serves /healthz, /readyz and /metrics. */
  opsUrl: string;
}

/** Starts a worker process on the given task queue and resolves once it polls. */
export async function startWorkerChild(
  taskQueue: string,
  env: Record<string, string> = {},
): Promise<WorkerChild> {
  const child: ChildProcess = spawn(
    process.execPath,
    // worker-process.ts, compiled for the run by the global setup (test/helpers/compiled-worker.ts).
    [inject('workerProcessPath')],
    {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: taskQueue,
        WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
        SIGNAL_PUSH_RETRY_DELAY_SCALE: '0.01',
        SIGNAL_PUSH_OUTBOUND_ALLOW: '127.0.0.1/32',
        SIGNAL_PUSH_OUTBOUND_ALLOW_HTTP: 'true',
        SIGNAL_PUSH_LOG_LEVEL: 'ERROR',
        SIGNAL_PUSH_OPS_PORT: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    process.stderr.write(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const opsUrl = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const ready = /worker ready (\S+)/.exec(chunk.toString());
      if (ready) resolve(ready[1]!);
    });
    child.once('exit', (code) => reject(new Error(`worker process exited with ${code}`)));
  });
  return {
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    async terminate() {
      child.kill('SIGTERM');
      return exited;
    },
    stderr: () => stderr,
    opsUrl,
  };
}
