import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';

/** Custom search attributes the service registers; names are what operators type in the Web UI. */
export const searchAttributes = {
  tenantId: defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD),
  endpointId: defineSearchAttributeKey('EndpointId', SearchAttributeType.KEYWORD),
  signalId: defineSearchAttributeKey('SignalId', SearchAttributeType.KEYWORD),
  signalType: defineSearchAttributeKey('SignalType', SearchAttributeType.KEYWORD),
  deliveryStatus: defineSearchAttributeKey('DeliveryStatus', SearchAttributeType.KEYWORD),
  deliveryAttempts: defineSearchAttributeKey('DeliveryAttempts', SearchAttributeType.INT),
  deadLetteredAt: defineSearchAttributeKey('DeadLetteredAt', SearchAttributeType.DATETIME),
  eventType: defineSearchAttributeKey('EventType', SearchAttributeType.KEYWORD),
  deliveryKind: defineSearchAttributeKey('DeliveryKind', SearchAttributeType.KEYWORD),
  /** On a delivery sent again: the id of the delivery it sends again. */
  resentFrom: defineSearchAttributeKey('ResentFrom', SearchAttributeType.KEYWORD),
  /** On a tenant's workflow: when the tenant was created (its runs continue as new, so StartTime is not it). */
  tenantCreatedAt: defineSearchAttributeKey('TenantCreatedAt', SearchAttributeType.DATETIME),
};
