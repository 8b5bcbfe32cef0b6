// Temporal loads this module by path (`failureConverterPath`): webpack bundles it into the workflow
// sandbox, and the worker and client load it with Node's own `require`, also where the file is
// still TypeScript and nothing compiles it first (under vitest). So it is written in the part of
// TypeScript that is also plain CommonJS: no import or export statements, no type annotations.
/* eslint-disable @typescript-eslint/no-require-imports */

// Failure messages and stack traces can carry what a payload carries (an address in an SMTP
// error, say), so they move into an encoded payload, which the payload codec then encrypts; the
// history keeps only "Encoded failure" in plain text. Failure types stay readable: retry policies
// and the API's reading of a failed delivery depend on them.
exports.failureConverter = new (require('@temporalio/common').DefaultFailureConverter)({
  encodeCommonAttributes: true,
});
