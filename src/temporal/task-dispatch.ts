/**
 * The Temporal server settings that make priority lanes and per-tenant fairness work: the
 * priority-aware matcher, fairness within each priority, moving a queue's existing backlog into
 * fairness order, and new tasks written to one partition of each task queue. Without the first two
 * a server dispatches tasks in arrival order and ignores the keys deliveries carry.
 *
 * Priority and fairness hold within a partition only. With Temporal's default of four, a quiet
 * tenant's task waited behind a flood's in its own partition (2,000 queued tasks, 20 worker slots:
 * up to 4.6 s, against under 0.9 s with one partition). One server process, as here and in the
 * cluster, gains nothing from four. Reads stay on all four, so tasks an older version wrote to the
 * others still drain (Temporal's advice for lowering partitions: writes first). A deployment with
 * several matching hosts that needs more per queue raises the writes and accepts approximate order.
 *
 * One list for the embedded dev server, the tests' dev server and the cluster's dynamic config
 * file (scripts/cluster/dynamicconfig.yaml, held to this by test/unit/cluster-compose.test.ts).
 */
export const TASK_DISPATCH_CONFIG = {
  'matching.useNewMatcher': true,
  'matching.enableFairness': true,
  'matching.enableMigration': true,
  'matching.numTaskqueueWritePartitions': 1,
} as const;

/** The settings as `temporal server start-dev` flags. */
export const taskDispatchArgs = (): string[] =>
  Object.entries(TASK_DISPATCH_CONFIG).flatMap(([key, value]) => [
    '--dynamic-config-value',
    `${key}=${JSON.stringify(value)}`,
  ]);
