import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { TASK_DISPATCH_CONFIG } from '../../src/temporal/task-dispatch';

// Docker cannot run here, so docker-compose.yml is held to what `npm run start:cluster` runs:
// scripts/cluster/versions.env (versions and default settings) and the environment
// scripts/start-cluster.sh gives each part.

const root = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

const settings = Object.fromEntries(
  read('scripts/cluster/versions.env')
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
) as Record<string, string>;

interface Service {
  image?: string;
  build?: unknown;
  container_name?: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  command?: string[];
}
const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service> };
const service = (name: string): Service => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
const env = (name: string) => service(name).environment ?? {};

/** The variables the cluster script sets for a part, in its function `run_NAME`. */
function scriptVariables(part: string): Set<string> {
  const script = read('scripts/start-cluster.sh');
  const body = new RegExp(`\\n${part}\\(\\) \\{([\\s\\S]*?)\\n\\}`).exec(script)?.[1];
  if (!body) throw new Error(`scripts/start-cluster.sh has no function ${part}`);
  return new Set([...body.matchAll(/\b([A-Z][A-Z0-9_]+)=/g)].map((match) => match[1]!));
}
const without = (names: Set<string>, left: string[]) => [...names].filter((n) => !left.includes(n)).sort();

describe('docker-compose.yml and the cluster script', () => {
  test('run the same versions of Temporal, its Web UI and PostgreSQL', () => {
    expect(service('temporal').image).toBe(`temporalio/server:${settings.TEMPORAL_SERVER_VERSION}`);
    expect(service('temporal-schema').image).toBe(
      `temporalio/admin-tools:${settings.TEMPORAL_SERVER_VERSION}`,
    );
    expect(service('temporal-namespace').image).toBe(
      `temporalio/admin-tools:${settings.TEMPORAL_SERVER_VERSION}`,
    );
    expect(service('temporal-ui').image).toBe(`temporalio/ui:${settings.TEMPORAL_UI_VERSION}`);
    expect(service('postgresql').image).toBe(`postgres:${settings.POSTGRES_VERSION}`);
    expect(read('docker-compose.yml')).not.toContain('auto-setup');
  });

  test('give Temporal the same shard count, database, credentials and dynamic config', () => {
    expect(env('temporal')).toMatchObject({
      DB: 'postgres12',
      NUM_HISTORY_SHARDS: settings.NUM_HISTORY_SHARDS,
      POSTGRES_USER: settings.POSTGRES_USER,
      POSTGRES_PWD: settings.POSTGRES_PASSWORD,
    });
    expect(env('postgresql')).toMatchObject({
      POSTGRES_USER: settings.POSTGRES_USER,
      POSTGRES_PASSWORD: settings.POSTGRES_PASSWORD,
    });
    expect(env('temporal-schema')).toMatchObject({
      SQL_PLUGIN: 'postgres12',
      SQL_USER: settings.POSTGRES_USER,
      SQL_PASSWORD: settings.POSTGRES_PASSWORD,
    });
    const mount = service('temporal').volumes?.find((v) =>
      v.startsWith('./scripts/cluster/dynamicconfig.yaml:'),
    );
    expect(mount?.split(':')[1]).toBe(env('temporal').DYNAMIC_CONFIG_FILE_PATH);
    expect(read('scripts/start-cluster.sh')).toContain(
      'DYNAMIC_CONFIG_FILE_PATH=$root/scripts/cluster/dynamicconfig.yaml',
    );
  });

  test("turn on the dev server's priority and fairness settings in the cluster's dynamic config", () => {
    const dynamic = parse(read('scripts/cluster/dynamicconfig.yaml')) as Record<
      string,
      Array<{ value: unknown }>
    >;
    for (const [key, value] of Object.entries(TASK_DISPATCH_CONFIG)) {
      expect(dynamic[key], key).toEqual([{ value }]);
    }
  });

  test('set up both schemas with temporal-sql-tool, then register the same namespace', () => {
    const schema = service('temporal-schema').command!.join('\n');
    for (const step of ['create-database', 'setup-schema -v 0.0', 'update-schema -d'])
      expect(schema).toContain(step);
    expect(schema).toContain('temporal:temporal temporal_visibility:visibility');
    expect(read('scripts/cluster/setup-schema.sh')).toContain(
      'temporal:temporal temporal_visibility:visibility',
    );
    const namespace = service('temporal-namespace').command!.join('\n');
    expect(namespace).toContain(
      `namespace create --namespace ${settings.TEMPORAL_NAMESPACE} --retention ${settings.TEMPORAL_NAMESPACE_RETENTION}`,
    );
    expect(env('api').TEMPORAL_NAMESPACE).toBe(settings.TEMPORAL_NAMESPACE);
    expect(env('worker').TEMPORAL_NAMESPACE).toBe(settings.TEMPORAL_NAMESPACE);
    expect(env('temporal-ui').TEMPORAL_DEFAULT_NAMESPACE).toBe(settings.TEMPORAL_NAMESPACE);
  });

  test('configure each part through the same environment variables', () => {
    // Ports and bind addresses only place the script's processes side by side on one machine; in
    // compose each container has its own address, which the server image's entrypoint binds to.
    const placement = (name: string) => /_PORT$/.test(name) && name !== 'DB_PORT';
    const temporal = [...scriptVariables('run_temporal')].filter((name) => !placement(name));
    expect(without(new Set(temporal), ['BIND_ON_IP', 'TEMPORAL_BROADCAST_ADDRESS'])).toEqual(
      Object.keys(env('temporal')).sort(),
    );
    expect([...scriptVariables('run_ui')].sort()).toEqual(Object.keys(env('temporal-ui')).sort());
    // The script keeps the keys in its data folder and passes them on; compose takes them from
    // the environment of `docker compose up`, and the image has its own data folder.
    const signalPush = scriptVariables('run_signal_push');
    expect(without(signalPush, ['SIGNAL_PUSH_DATA_DIR'])).toEqual(
      without(new Set(Object.keys(env('api'))), [
        'SIGNAL_PUSH_ROLE',
        'SIGNAL_PUSH_OPERATOR_KEY',
        'SIGNAL_PUSH_CODEC_KEYS',
      ]),
    );
    expect(env('api').SIGNAL_PUSH_ROLE).toBe('api');
    expect(env('worker').SIGNAL_PUSH_ROLE).toBe('worker');
    expect(env('worker').TEMPORAL_ADDRESS).toBe(env('api').TEMPORAL_ADDRESS);
  });

  test('publish the same ports', () => {
    expect(service('temporal').ports).toEqual([`${settings.DEFAULT_TEMPORAL_PORT}:7233`]);
    expect(service('temporal-ui').ports).toEqual([`${settings.DEFAULT_UI_PORT}:${settings.DEFAULT_UI_PORT}`]);
    expect(env('temporal-ui').TEMPORAL_UI_PORT).toBe(settings.DEFAULT_UI_PORT);
    expect(service('api').ports).toEqual([`${settings.DEFAULT_API_PORT}:${settings.DEFAULT_API_PORT}`]);
    expect(env('api').PORT).toBe(settings.DEFAULT_API_PORT);
    expect(env('api').TEMPORAL_UI_PORT).toBe(settings.DEFAULT_UI_PORT);
    expect(env('api').TEMPORAL_UI_URL).toBe(`http://localhost:${settings.DEFAULT_UI_PORT}`);
    expect(env('temporal-ui').TEMPORAL_CODEC_ENDPOINT).toBe(
      `http://localhost:${settings.DEFAULT_API_PORT}/codec`,
    );
    expect(service('postgresql').ports).toEqual([`127.0.0.1:${settings.DEFAULT_POSTGRES_PORT}:5432`]);
  });

  test('leave the worker free to scale: no fixed name, no host port', () => {
    expect(service('worker').build).toBeDefined();
    expect(service('worker').container_name).toBeUndefined();
    expect(service('worker').ports).toBeUndefined();
  });
});
