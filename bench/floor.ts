import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { floorRuns, noop } from './floor-activities';
import { cpuSeconds } from './process-usage';
import { round } from './stats';

const TASK_QUEUE = 'bench-floor';

const pause = () => new Promise((resolve) => setTimeout(resolve, 20));

export interface FloorFigures {
  workflowsPerSecond: number;
  benchProcessCpuMsPerWorkflow: number;
  temporalCpuMsPerWorkflow: number | null;
  totalCpuMsPerWorkflow: number;
}

/**
 * The floor a delivery's cost is compared with: `count` workflows that each run one no-op local
 * activity, started eagerly by `concurrency` starters on a worker in this process, against the same
 * dev server as the run before it, with the SDK's default data converter. CPU is read from the OS
 * for this process and for the server, as the delivery figures are.
 */
export async function measureFloor(
  address: string,
  namespace: string,
  serverPid: number | undefined,
  count: number,
  concurrency: number,
): Promise<FloorFigures> {
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue: TASK_QUEUE,
    workflowsPath: require.resolve('./floor-workflow'),
    activities: { noop },
    // The service's worker settings (src/worker.ts), so the floor differs from it by the work alone.
    maxConcurrentLocalActivityExecutions: 1000,
    maxConcurrentWorkflowTaskExecutions: 1000,
    maxConcurrentActivityTaskExecutions: 1000,
  });
  const client = new Client({ connection, namespace });
  const run = worker.run();
  const start = (id: string) =>
    client.workflow.start('floorWorkflow', {
      taskQueue: TASK_QUEUE,
      workflowId: id,
      requestEagerStart: true,
    });
  const runAll = async (prefix: string, n: number) => {
    const target = floorRuns.count + n;
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < n) await start(`${prefix}-${next++}`);
      }),
    );
    while (floorRuns.count < target) await pause();
    // Each workflow completes in the task that ran its activity: wait for the last completions too.
    const query = `TaskQueue = '${TASK_QUEUE}' AND ExecutionStatus = 'Running'`;
    while ((await client.workflow.count(query)).count > 0) await pause();
  };
  try {
    const runId = Date.now().toString(36);
    await runAll(`floor-warm-${runId}`, 50);
    const before = { self: process.cpuUsage(), server: serverPid ? cpuSeconds(serverPid) : 0 };
    const started = performance.now();
    await runAll(`floor-${runId}`, count);
    const seconds = (performance.now() - started) / 1000;
    const self = process.cpuUsage(before.self);
    const selfMs = (self.user + self.system) / 1000 / count;
    const serverMs = serverPid ? ((cpuSeconds(serverPid) - before.server) * 1000) / count : null;
    return {
      workflowsPerSecond: round(count / seconds),
      benchProcessCpuMsPerWorkflow: round(selfMs),
      temporalCpuMsPerWorkflow: serverMs === null ? null : round(serverMs),
      totalCpuMsPerWorkflow: round(selfMs + (serverMs ?? 0)),
    };
  } finally {
    worker.shutdown();
    await run;
    await connection.close();
  }
}
