import { readFileSync, existsSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { invalid } from '../core/errors.js';
import type { TracegateConfig } from './config-schema.js';
import { configSchema } from './config-schema.js';

/** Environment overrides: TRACEGATE_STORE__CLIENT=postgres sets store.client; PORT sets server.port. */
const ENV_PREFIX = 'TRACEGATE_';

export interface LoadConfigOptions {
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Applied under the file and the environment (e.g. the demo defaults of `serve --demo`). */
  defaults?: Record<string, unknown>;
}

export function loadConfig(options: LoadConfigOptions = {}): TracegateConfig {
  const env = options.env ?? process.env;
  const fromFile = options.file ? readConfigFile(options.file) : {};
  const merged = deepMerge(deepMerge(options.defaults ?? {}, fromFile), envOverrides(env));
  return validateConfig(merged, options.file ?? '(defaults)');
}

export function validateConfig(raw: unknown, source: string): TracegateConfig {
  const result = configSchema.safeParse(raw);
  if (result.success) {
    return result.data;
  }
  const problems = result.error.issues.map(describeIssue);
  throw invalid('CONFIG_INVALID', `configuration ${source} is invalid:\n  - ${problems.join('\n  - ')}`, { problems });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.length ? issue.path.join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    return `${key}: unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  return `${key}: ${issue.message}`;
}

function readConfigFile(file: string): Record<string, unknown> {
  if (!existsSync(file)) {
    throw invalid('CONFIG_FILE_MISSING', `configuration file ${file} does not exist`);
  }
  try {
    const parsed: unknown = parseYaml(readFileSync(file, 'utf8'));
    if (parsed == null) {
      return {};
    }
    if (typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw invalid('CONFIG_INVALID', `configuration file ${file} must hold a mapping of keys at the top level`);
    }
    return parsed as Record<string, unknown>;
  } catch (e) {
    if (e instanceof YAMLParseError) {
      throw invalid('CONFIG_INVALID', `configuration file ${file} is not valid YAML: ${e.message.split('\n')[0]}`);
    }
    throw e;
  }
}

export function envOverrides(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (env.PORT) {
    setPath(out, ['server', 'port'], env.PORT);
  }
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined || name === 'TRACEGATE_CONFIG') {
      continue;
    }
    const path = name
      .slice(ENV_PREFIX.length)
      .split('__')
      .map((p) => p.toLowerCase().replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()));
    setPath(out, path, parseScalar(value));
  }
  return out;
}

/** Environment values are YAML scalars, so TRACEGATE_DEMO__LOAD_WHEN_EMPTY=true is a boolean. */
function parseScalar(value: string): unknown {
  try {
    const v: unknown = parseYaml(value);
    return v === null ? value : v;
  } catch {
    return value;
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  path.slice(0, -1).forEach((k) => {
    const next = node[k];
    node = (node[k] = typeof next === 'object' && next !== null ? next : {}) as Record<string, unknown>;
  });
  node[path[path.length - 1] as string] = value;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isPlainObject(prev) && isPlainObject(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
