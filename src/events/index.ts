export { EVENT_TYPES, eventTypePatternSchema, isEventType, matchesEventType } from './event-types';
export type { EventType } from './event-types';
export { eventTypeSpec, typesMatching } from './catalog';
export type { EventAttributes, EventTypeSpec } from './catalog';
