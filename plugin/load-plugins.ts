import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { invalid } from '../core/errors.js';
import type { TracegateModule } from './tracegate-module.js';

/** Import each `plugins:` entry (a file path or a package name); it must export a TracegateModule as default. */
export async function loadPlugins(specs: string[]): Promise<TracegateModule[]> {
  const modules: TracegateModule[] = [];
  for (const spec of specs) {
    const target = spec.startsWith('.') || spec.startsWith('/') ? pathToFileURL(resolve(spec)).href : spec;
    let imported: { default?: unknown };
    try {
      imported = (await import(target)) as { default?: unknown };
    } catch (e) {
      throw invalid(
        'PLUGIN_LOAD_FAILED',
        `plugins: cannot load "${spec}": ${e instanceof Error ? e.message : String(e)}`
      );
    }
    const m = imported.default as Partial<TracegateModule> | undefined;
    if (!m || typeof m.register !== 'function' || typeof m.name !== 'string') {
      throw invalid('PLUGIN_INVALID', `plugins: "${spec}" must export default { name, register(container, config) }`);
    }
    modules.push(m as TracegateModule);
  }
  return modules;
}
