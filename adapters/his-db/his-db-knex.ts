/**
 * The knex connection to the HIS database, per driver. tracegate only reads the HIS's tables and runs the one
 * configured write-back statement, so the pool is small and nothing here creates or alters a table.
 */
import knex, { type Knex } from 'knex';
import type { HisDbConfig } from './his-db-config.js';

const defaultPorts = { mssql: 1433, oracledb: 1521, pg: 5432, mysql2: 3306 } as const;

export function createHisKnex(config: HisDbConfig): Knex {
  return knex(hisKnexConfig(config));
}

export function hisKnexConfig(config: HisDbConfig): Knex.Config {
  const c = config.connection;
  const base = {
    client: config.client,
    // min 0: an idle poller holds no connection the HIS's DBA has to account for.
    pool: { min: 0, max: config.pool.max },
    acquireConnectionTimeout: c.connectTimeoutMs,
    // knex prints acquire failures with a stack on its own; the channel logs them once per failure streak.
    log: { warn: () => undefined, error: () => undefined, deprecate: () => undefined, debug: () => undefined },
  };
  const host = c.host ?? '127.0.0.1';
  const port = c.port ?? defaultPorts[config.client];
  const login = { user: c.user, password: c.password, database: c.database };
  switch (config.client) {
    case 'pg':
      return {
        ...base,
        connection: {
          host,
          port,
          ...login,
          application_name: 'tracegate',
          connectionTimeoutMillis: c.connectTimeoutMs,
          ...(c.ssl === undefined ? {} : { ssl: typeof c.ssl === 'object' ? { ...c.ssl } : c.ssl }),
        },
      };
    case 'mysql2':
      return {
        ...base,
        connection: {
          host,
          port,
          ...login,
          // Chinese names need 4-byte safe UTF-8 on the wire whatever the tables' charset.
          charset: 'utf8mb4',
          // BIGINT ids above 2^53 come back as strings instead of losing digits.
          supportBigNumbers: true,
          connectTimeout: c.connectTimeoutMs,
          ...(c.ssl ? { ssl: typeof c.ssl === 'object' ? { ...c.ssl } : {} } : {}),
        },
      };
    case 'mssql': {
      const options = c.options;
      return {
        ...base,
        connection: {
          server: host,
          port,
          ...login,
          connectionTimeout: c.connectTimeoutMs,
          requestTimeout: config.queryTimeoutMs,
          options: {
            encrypt: options?.encrypt ?? false,
            trustServerCertificate: options?.trustServerCertificate ?? true,
            tdsVersion: options?.tdsVersion ?? '7_4',
            appName: 'tracegate',
            ...(options?.instanceName ? { instanceName: options.instanceName } : {}),
          },
        },
      } as Knex.Config;
    }
    case 'oracledb':
      // node-oracledb's default thin mode (pure JavaScript): no Oracle Client libraries on the tracegate host.
      return {
        ...base,
        connection: {
          user: c.user,
          password: c.password,
          connectString: c.connectString ?? `${host}:${port}/${c.database ?? ''}`,
        },
        // Trace codes in a CLOB come back as text, not as a LOB to stream.
        fetchAsString: ['clob'],
      } as Knex.Config;
    default:
      return config.client satisfies never;
  }
}
