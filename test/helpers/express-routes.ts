import type { Express } from 'express';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  rawPath?: string | RegExp;
  handle: { stack?: Layer[] };
}

/**
 * Every route an Express 5 app serves, as `METHOD /path` in OpenAPI's spelling (`/:id` as `/{id}`):
 * routes on the app and, recursively, on every router mounted with a path.
 */
export function expressRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all')) {
          const path = `${prefix}${layer.route.path === '/' && prefix ? '' : layer.route.path}`;
          found.push(`${method.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}')}`);
        }
      } else if (layer.handle.stack) {
        const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
        walk(layer.handle.stack, `${prefix}${mount}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return [...new Set(found)].sort();
}
