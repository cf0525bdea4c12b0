import type { Container } from 'inversify';
import type { TracegateConfig } from './config-schema.js';

/**
 * The unit of extension. Built-in parts (store, core services, HTTP) are modules like any other; a
 * hospital's or vendor's module named under `plugins:` in the config binds its own ports (another inbound
 * channel, a store dialect, an extra window rule, an extra health check) the same way.
 */
export interface TracegateModule {
  readonly name: string;
  register(container: Container, config: TracegateConfig): void | Promise<void>;
}
