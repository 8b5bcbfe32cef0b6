export { deliveryWorkflow } from './delivery';
export { tenantWorkflow } from './tenant';
