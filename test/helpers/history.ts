import type { Client } from '@temporalio/client';

/**
 * What a workflow's history shows. A test that must prove something did not happen reads it here:
 * a signal or start that had been sent is in the history by the time its call returned.
 */
export async function historyOf(client: Client, workflowId: string) {
  return (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
}

/** How many signals named `name` (a replay, say) the workflow has received. */
export async function signalsReceived(client: Client, workflowId: string, name: string): Promise<number> {
  const events = await historyOf(client, workflowId);
  return events.filter((event) => event.workflowExecutionSignaledEventAttributes?.signalName === name).length;
}

/** Whether one of the workflow's timers has fired. */
export async function timerFired(client: Client, workflowId: string): Promise<boolean> {
  return (await historyOf(client, workflowId)).some((event) => event.timerFiredEventAttributes);
}

/**
 * Resolves once the workflow has handled every signal it has received so far: a workflow task
 * completed after the last of them. A query then reads the state they left.
 */
export async function signalsHandled(client: Client, workflowId: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = await historyOf(client, workflowId);
    const lastSignal = events
      .map((event) => !!event.workflowExecutionSignaledEventAttributes)
      .lastIndexOf(true);
    if (events.slice(lastSignal + 1).some((event) => event.workflowTaskCompletedEventAttributes)) return;
    if (Date.now() > deadline) throw new Error(`${workflowId} has not handled its signals`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
