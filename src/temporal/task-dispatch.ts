/**
 * The Temporal server settings that make priority lanes and per-tenant fairness work: the
 * priority-aware matcher, fairness within each priority, and the move of a queue's existing backlog
 * into fairness order when a queue is first used with fairness keys. Without them a server
 * dispatches every task in arrival order and ignores the keys deliveries carry. One list for the
 * embedded dev server, the tests' dev server and the cluster's dynamic config file
 * (scripts/cluster/dynamicconfig.yaml, held to this by test/unit/cluster-compose.test.ts).
 */
export const TASK_DISPATCH_CONFIG = {
  'matching.useNewMatcher': true,
  'matching.enableFairness': true,
  'matching.enableMigration': true,
} as const;

/** The settings as `temporal server start-dev` flags. */
export const taskDispatchArgs = (): string[] =>
  Object.entries(TASK_DISPATCH_CONFIG).flatMap(([key, value]) => [
    '--dynamic-config-value',
    `${key}=${JSON.stringify(value)}`,
  ]);
