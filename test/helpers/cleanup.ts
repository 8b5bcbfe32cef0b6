import { afterEach } from 'vitest';
import { startReceiver } from './receiver';

/** What a test starts and must close again: a receiver, a server. */
export interface Closable {
  close(): Promise<void>;
}

/**
 * Call at a test file's top level. What a test hands to the returned function is closed as that
 * test ends, passed or failed, so no server outlives the test that started it.
 */
export function closedAfterEachTest(): <T extends Closable>(thing: T) => T {
  const open: Closable[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((thing) => thing.close()));
  });
  return (thing) => {
    open.push(thing);
    return thing;
  };
}

/** Call at a test file's top level: `startReceiver`, each receiver closed as its test ends. */
export function receiversClosedAfterEachTest(): typeof startReceiver {
  const closeAfterTest = closedAfterEachTest();
  return async (reply) => closeAfterTest(await startReceiver(reply));
}
