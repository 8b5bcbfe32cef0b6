import type { TestSpecification } from 'vitest/node';
import { BaseSequencer } from 'vitest/node';

/**
 * The file that waits longest on real time (a worker killed and restarted, a Temporal server
 * stopped and started again) starts first, and the unit files, which never use the run's dev
 * server, run beside it on the other worker process.
 */
const FIRST = 'test/e2e/fault-tolerance.test.ts';

/**
 * Then the files that spend most of their time waiting on real time (worker kills and restarts,
 * retry schedules, timeouts), longest first. Vitest would order a clean clone's files by size,
 * which leaves some of these for the end of the run, where one waits alone on an idle worker;
 * started early, they overlap with the many short files instead.
 */
const LONG_FIRST = [
  'test/e2e/worker-crash.test.ts',
  'test/e2e/retries.test.ts',
  'test/e2e/conformance/pq.test.ts',
  'test/e2e/conformance/siggnal.test.ts',
  'test/e2e/embedded.test.ts',
  'test/e2e/cli.test.ts',
  'test/e2e/conformance/quintago.test.ts',
];

export default class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      if (spec.moduleId.endsWith(FIRST)) return 0;
      // Together, so their shared worker processes pass from one unit file to the next.
      if (spec.project.name === 'unit') return 1;
      const index = LONG_FIRST.findIndex((file) => spec.moduleId.endsWith(file));
      return 2 + (index === -1 ? LONG_FIRST.length : index);
    };
    // Array.prototype.sort is stable: the rest keep vitest's own order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
