import type { Command, Option } from 'commander';
import { expect, test } from 'vitest';
import { apiDocument } from '../../src/api/openapi/document';
import { CliContext } from '../../src/cli/context';
import { buildProgram } from '../../src/cli/program';

/*
 * The CLI and the API document (served at /openapi.json and rendered at /docs) describe the same
 * operations: each operation that names its `signal-push` command (`x-cli`) has that command, with an
 * option for each of its query parameters and body fields, the same choices for each enum, and a
 * required option where the body requires the field; and each CLI command is one of those, or
 * listed below with why the API has no such route.
 */

/** CLI commands with no API route of their own, and why. */
const CLI_ONLY: Record<string, string> = {
  'tenants repair': 'mends a tenant whose workflow cannot answer, which the API needs to serve it',
};

interface Schema {
  type?: string;
  enum?: string[];
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  $ref?: string;
}

interface OperationDoc {
  'x-cli'?: string;
  description?: string;
  parameters?: Array<{ in: string; name: string; schema: Schema }>;
  requestBody?: { content: { 'application/json': { schema: Schema } } };
}

const doc = apiDocument('test') as unknown as {
  paths: Record<string, Record<string, OperationDoc>>;
  components?: { schemas?: Record<string, Schema> };
};

const resolve = (schema: Schema): Schema =>
  schema.$ref ? resolve(doc.components!.schemas![schema.$ref.split('/').at(-1)!]!) : schema;

const enumOf = (schema: Schema): string[] | undefined =>
  resolve(schema).enum ??
  resolve(schema)
    .anyOf?.map(resolve)
    .find((s) => s.enum)?.enum;

/** `endpoint_id` is `--endpoint` (as every CLI filter names an id); `owner_email` is `--owner-email`. */
const optionFor = (field: string): string => `--${field.replace(/_id$/, '').replaceAll('_', '-')}`;

/** Body fields by the option that carries each: top-level ones, and those of nested objects (plan). */
function bodyFields(schema: Schema): Array<{ field: string; schema: Schema; required: boolean }> {
  const object = resolve(schema);
  return Object.entries(object.properties ?? {}).flatMap(([name, property]) => {
    const inner = resolve(property);
    if (inner.type === 'object' && inner.properties) {
      return bodyFields(inner).map((nested) => ({ ...nested, field: `${name}.${nested.field}` }));
    }
    return [{ field: name, schema: property, required: object.required?.includes(name) ?? false }];
  });
}

const program = buildProgram(
  new CliContext({ stdout: { write: () => true }, stderr: { write: () => true } }, {}),
);

function command(path: string[]): Command | undefined {
  let current: Command | undefined = program;
  for (const name of path) current = current?.commands.find((c) => c.name() === name);
  return current;
}

function leafCommands(parent: Command, prefix: string[] = []): string[] {
  return parent.commands
    .filter((c) => c.name() !== 'help')
    .flatMap((c) =>
      c.commands.length > 0 ? leafCommands(c, [...prefix, c.name()]) : [[...prefix, c.name()].join(' ')],
    );
}

const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })),
);
const withCli = operations.filter(({ op }) => op['x-cli']);

/** `signal-push replay --endpoint`: the command `replay`, the path's id in `--endpoint`. */
function cliOf(op: OperationDoc) {
  const words = op['x-cli']!.split(' ').slice(1);
  return {
    path: words.filter((w) => !w.startsWith('--')),
    idOption: words.find((w) => w.startsWith('--')),
  };
}

test('the document names a command for every operator action and every listing', () => {
  expect(withCli.map(({ route }) => route).sort()).toEqual(
    [
      'DELETE /v1/tenants/{id}',
      'GET /v1/dead-letters',
      'GET /v1/deliveries',
      'GET /v1/deliveries/{id}',
      'GET /v1/endpoints',
      'GET /v1/tenants',
      'GET /v1/tenants/{id}',
      'GET /v1/signals/{id}',
      'PATCH /v1/tenants/{id}',
      'POST /v1/deliveries/{id}/replay',
      'POST /v1/deliveries/{id}/resend',
      'POST /v1/endpoints/{id}/pause',
      'POST /v1/endpoints/{id}/replay',
      'POST /v1/endpoints/{id}/resume',
      'POST /v1/endpoints/{id}/test',
      'POST /v1/tenants',
      'POST /v1/tenants/{id}/api-keys/rotate',
      'POST /v1/tenants/{id}/portal-sessions',
      'DELETE /v1/tenants/{id}/portal-sessions',
      'DELETE /v1/tenants/{id}/portal-sessions/{sessionId}',
    ].sort(),
  );
  // The rendered page shows it too: the description names the command.
  for (const { op } of withCli) expect(op.description).toContain(op['x-cli']);
});

test.each(withCli.map(({ route, op }) => [route, op] as const))('%s has its command', (_route, op) => {
  const { path, idOption } = cliOf(op);
  const cmd = command(path);
  expect(cmd, op['x-cli']).toBeDefined();
  const options = new Map<string, Option>(cmd!.options.map((o) => [o.long!, o]));

  const pathIds = (op.parameters ?? []).filter((p) => p.in === 'path');
  if (pathIds.length > 0) {
    if (idOption) expect(options.has(idOption), idOption).toBe(true);
    else expect(cmd!.registeredArguments.length, `${op['x-cli']} takes the id`).toBeGreaterThan(0);
  }

  const fields = [
    ...(op.parameters ?? [])
      .filter((p) => p.in === 'query')
      .map((p) => ({ field: p.name, schema: p.schema, required: false })),
    ...(op.requestBody ? bodyFields(op.requestBody.content['application/json'].schema) : []),
  ];
  for (const { field, schema, required } of fields) {
    const name = optionFor(field.split('.').at(-1)!);
    const option = options.get(name);
    expect(option, `${op['x-cli']} ${name} (for ${field})`).toBeDefined();
    const choices = enumOf(schema);
    if (choices && choices.join() === 'true,false') {
      expect(option!.isBoolean(), `${name} is a flag`).toBe(true);
    } else if (choices) {
      expect(option!.argChoices, `${name} choices`).toEqual(choices);
    }
    if (required) expect(option!.mandatory, `${name} is required`).toBe(true);
  }
});

test('every CLI command is an operation of the document, or says why the API has none', () => {
  const named = new Set(withCli.map(({ op }) => cliOf(op).path.join(' ')));
  const unexplained = leafCommands(program).filter((name) => !named.has(name) && !CLI_ONLY[name]);
  expect(unexplained).toEqual([]);
  for (const name of Object.keys(CLI_ONLY)) expect(command(name.split(' ')), name).toBeDefined();
});
