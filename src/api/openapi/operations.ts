import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { codecPaths } from './operations-codec';
import { deliveryPaths } from './operations-deliveries';
import { endpointPaths } from './operations-endpoints';
import { intakePaths } from './operations-intake';
import { opsPaths } from './operations-ops';
import { tenantPaths } from './operations-tenants';

// Every route the API serves, with the schemas its handlers validate with (src/schemas) and what it
// answers (./response-schemas), one file per part of the API (./operation.ts says how each is
// written). test/e2e/openapi.test.ts fails when a route is missing here.
export const paths: ZodOpenApiPathsObject = {
  ...opsPaths,
  ...tenantPaths,
  ...intakePaths,
  ...endpointPaths,
  ...deliveryPaths,
  ...codecPaths,
};
