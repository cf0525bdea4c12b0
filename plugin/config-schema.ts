import { z } from 'zod';

const storeSchema = z.discriminatedUnion('client', [
  z.object({ client: z.literal('sqlite'), filename: z.string().min(1).default('./data/tracegate.sqlite') }).strict(),
  z
    .object({
      client: z.enum(['postgres', 'mysql', 'mssql', 'oracle']),
      host: z.string().min(1).optional(),
      port: z.coerce.number().int().min(1).max(65535).optional(),
      user: z.string().optional(),
      password: z.string().optional(),
      database: z.string().optional(),
      /** Oracle: host:port/service_name (thin mode). */
      connectString: z.string().optional(),
      ssl: z.boolean().optional(),
      pool: z
        .object({ min: z.number().int().min(0), max: z.number().int().min(1) })
        .strict()
        .optional(),
    })
    .strict(),
]);

export const roleNames = ['pharmacist', 'pharmacy-head', 'admin', 'integration'] as const;
export type Role = (typeof roleNames)[number];

const tokenSchema = z
  .object({
    name: z.string().min(1),
    token: z.string().min(16, 'a token must be at least 16 characters'),
    roles: z.array(z.enum(roleNames)).min(1),
  })
  .strict();

export const configSchema = z
  .object({
    server: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.coerce.number().int().min(0).max(65535).default(8080),
        /** Largest JSON body or uploaded file accepted. */
        bodyLimitMb: z.number().positive().max(100).default(20),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8080, bodyLimitMb: 20 }),
    // A store section without `client` is the embedded SQLite one (e.g. only TRACEGATE_STORE__FILENAME set).
    store: z
      .preprocess(
        (v) => (typeof v === 'object' && v !== null && !('client' in v) ? { client: 'sqlite', ...v } : v),
        storeSchema
      )
      .default({ client: 'sqlite', filename: './data/tracegate.sqlite' }),
    auth: z
      .object({ tokens: z.array(tokenSchema).default([]) })
      .strict()
      .default({ tokens: [] }),
    log: z
      .object({ level: z.enum(['error', 'warn', 'info', 'debug']).default('info') })
      .strict()
      .default({ level: 'info' }),
    recognition: z
      .object({ gsSubstitutes: z.array(z.string().min(1)).default([]) })
      .strict()
      .default({ gsSubstitutes: [] }),
    catalog: z
      .object({ cacheSeconds: z.number().min(0).max(3600).default(10) })
      .strict()
      .default({ cacheSeconds: 10 }),
    /** The pharmacy window's policies (PRODUCT.md rules 5–7). */
    window: z
      .object({
        /** A pack never received here: warn (and record an implicit receipt) or refuse. */
        neverReceived: z.enum(['warn', 'refuse']).default('warn'),
        returnWindowDays: z.number().int().min(0).max(366).default(7),
        /** Where accepted returns go. */
        returnDisposition: z.enum(['stock', 'quarantine']).default('stock'),
        /** The pack a 拆零 remainder comes from must be scanned too. */
        requireSplitScan: z.boolean().default(true),
      })
      .strict()
      .default({ neverReceived: 'warn', returnWindowDays: 7, returnDisposition: 'stock', requireSplitScan: true }),
    demo: z
      .object({ loadWhenEmpty: z.boolean().default(false) })
      .strict()
      .default({ loadWhenEmpty: false }),
    /** Extension modules (paths or package names) that register bindings in the container. */
    plugins: z.array(z.string().min(1)).default([]),
  })
  .strict();

export type TracegateConfig = z.infer<typeof configSchema>;
export type StoreConfig = TracegateConfig['store'];
