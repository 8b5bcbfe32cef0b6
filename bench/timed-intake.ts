import type { Api } from '../test/helpers/api-client';
import { sampleSignal } from '../test/helpers/fixtures';

/** Sends one sample signal by id to a tenant and resolves with the intake's latency in ms. */
export function timedIntake(api: Api, operatorKey: string, tenantId: string) {
  return async (signalId: string): Promise<number> => {
    const started = performance.now();
    const res = await api.request('POST', '/v1/signals', {
      key: operatorKey,
      body: { tenant_id: tenantId, ...sampleSignal({ signal_id: signalId }) },
    });
    if (res.status !== 202) throw new Error(`intake answered ${res.status}: ${JSON.stringify(res.body)}`);
    return performance.now() - started;
  };
}
