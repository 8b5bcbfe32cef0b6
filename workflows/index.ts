export { deliveryWorkflow } from './delivery';
export { endpointHealthWorkflow } from './endpoint-health';
export { tenantWorkflow } from './tenant';
export { endpointConfigWorkflow } from './endpoint-config';
export { deadLetterReplayWorkflow } from './dead-letter-replay';
export { deliverySequencerWorkflow } from './delivery-sequencer';
export { signalTrackerWorkflow } from './signal-tracker';
