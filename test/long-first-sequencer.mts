import type { TestSpecification } from 'vitest/node';
import { BaseSequencer } from 'vitest/node';

/**
 * Files that spend most of their time waiting on real time (worker kills and restarts, a thousand
 * endpoints, retry schedules, timeouts), longest first. Vitest would order a clean clone's files by
 * size, which leaves some of these for the end of the run, where one waits alone on an idle worker;
 * started first, they overlap with the many short files instead.
 */
const LONG_FIRST = [
  'test/e2e/many-endpoints.test.ts',
  'test/e2e/fault-tolerance.test.ts',
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
      const index = LONG_FIRST.findIndex((file) => spec.moduleId.endsWith(file));
      return index === -1 ? LONG_FIRST.length : index;
    };
    // Array.prototype.sort is stable: the rest keep vitest's own order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
