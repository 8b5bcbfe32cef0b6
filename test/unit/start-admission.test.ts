import { expect, test } from 'vitest';
import type { Lane } from '../../src/deliveries/delivery-lane';
import { StartAdmission } from '../../src/deliveries/start-admission';

/** Starts that stay in flight until the test finishes them, recording the order they began in. */
function startsUnderTest(limit: number) {
  const admission = new StartAdmission(limit);
  const began: string[] = [];
  const finish = new Map<string, (outcome: 'ok' | 'fail') => void>();
  const start = (name: string, tenantId: string, lane: Lane) =>
    admission
      .run(tenantId, lane, () => {
        began.push(name);
        return new Promise<string>((resolve, reject) =>
          finish.set(name, (outcome) => (outcome === 'ok' ? resolve(name) : reject(new Error(name)))),
        );
      })
      .catch((error: Error) => `failed ${error.message}`);
  const settle = async (name: string, outcome: 'ok' | 'fail' = 'ok') => {
    const end = finish.get(name);
    if (!end) throw new Error(`${name} has not begun`);
    end(outcome);
    await flush();
  };
  return { start, settle, began };
}

/** Lets a freed place pass to the next start and that start begin. */
async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

test('starts up to the limit go at once; the next waits until one of them ends', async () => {
  const { start, settle, began } = startsUnderTest(2);
  const first = start('a1', 'a', 'cold');
  void start('a2', 'a', 'cold');
  void start('a3', 'a', 'cold');
  await flush();
  expect(began).toEqual(['a1', 'a2']);
  await settle('a1');
  expect(await first).toBe('a1');
  expect(began).toEqual(['a1', 'a2', 'a3']);
});

test("a tenant's single start goes next, ahead of another tenant's flood waiting before it", async () => {
  const { start, settle, began } = startsUnderTest(1);
  void start('flood0', 'flood', 'cold');
  for (let i = 1; i <= 5; i++) void start(`flood${i}`, 'flood', 'cold');
  void start('quiet', 'quiet', 'cold');
  await settle('flood0');
  expect(began).toEqual(['flood0', 'flood1']);
  await settle('flood1');
  expect(began).toEqual(['flood0', 'flood1', 'quiet']);
  await settle('quiet');
  expect(began.at(-1)).toBe('flood2');
});

test('waiting hot starts go before waiting cold ones, whatever their order of arrival', async () => {
  const { start, settle, began } = startsUnderTest(1);
  void start('running', 'a', 'cold');
  void start('cold-a', 'a', 'cold');
  void start('cold-b', 'b', 'cold');
  void start('hot-b', 'b', 'hot');
  await settle('running');
  expect(began).toEqual(['running', 'hot-b']);
  await settle('hot-b');
  expect(began).toEqual(['running', 'hot-b', 'cold-a']);
});

test('a start that fails gives its place to the next one', async () => {
  const { start, settle, began } = startsUnderTest(1);
  const failing = start('fails', 'a', 'cold');
  void start('next', 'b', 'cold');
  await settle('fails', 'fail');
  expect(await failing).toBe('failed fails');
  expect(began).toEqual(['fails', 'next']);
});

test('with nothing waiting, a finished start frees its place for a later one', async () => {
  const { start, settle, began } = startsUnderTest(1);
  void start('first', 'a', 'cold');
  await settle('first');
  void start('later', 'b', 'cold');
  await flush();
  expect(began).toEqual(['first', 'later']);
});
