import { fhirConfigSchema } from '../adapters/fhir/fhir-config.js';
import { hisDbChannelSchema } from '../adapters/his-db/his-db-config.js';
import { hl7ChannelSchema } from '../adapters/hl7/hl7-config.js';
import { z } from 'zod';
import { anomaliesConfigSchema } from './anomalies-config.js';

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

const staffSchema = z
  .object({
    actor: z.string().min(1),
    name: z.string().min(1).max(50),
    certType: z.string().max(6).optional(),
    certNo: z.string().max(50).optional(),
    pracCertNo: z.string().max(50).optional(),
  })
  .strict();

const keyEncoding = z.enum(['hex', 'base64', 'utf8']);
const signingSchema = z.discriminatedUnion('scheme', [
  z.object({ scheme: z.literal('none') }).strict(),
  z
    .object({
      scheme: z.literal('tif'),
      paasId: z.string().min(1),
      paasToken: z.string().min(1),
      serviceId: z.string().optional(),
    })
    .strict(),
  z
    .object({
      scheme: z.literal('sm'),
      privateKey: z.string().min(1),
      privateKeyEncoding: z.enum(['hex', 'base64']).optional(),
      publicKey: z.string().optional(),
      userId: z.string().optional(),
      signatureEncoding: z.enum(['raw', 'der']).optional(),
      encryption: z
        .object({
          key: z.string().min(1),
          keyEncoding: keyEncoding.optional(),
          mode: z.enum(['ecb', 'cbc']).optional(),
          iv: z.string().optional(),
          decryptOutput: z.boolean().optional(),
        })
        .strict()
        .optional(),
    })
    .strict(),
]);

/** The national insurance platform, the proxy in front of it and the upload outbox (README: Insurance relay). */
const insuranceSchema = z
  .object({
    institution: z
      .object({
        fixmedinsCode: z.string().min(1).max(30).default('H00000000000'),
        fixmedinsName: z.string().min(1).max(200).default('未配置的定点医疗机构'),
        mdtrtareaAdmvs: z
          .string()
          .regex(/^\d{6}$/, 'expected a 6-digit area code')
          .default('310000'),
        insuplcAdmdvs: z
          .string()
          .regex(/^\d{6}$/, 'expected a 6-digit area code')
          .optional(),
        recerSysCode: z.string().min(1).max(10).default('YBXT'),
        infver: z.string().min(1).max(6).default('V1.0'),
      })
      .strict()
      .prefault({}),
    /** The envelope's operator for what tracegate sends itself (uploads, settling queries). */
    operator: z
      .object({
        opterType: z.enum(['1', '2', '3']).default('1'),
        opter: z.string().min(1).max(30).default('tracegate'),
        opterName: z.string().min(1).max(50).default('溯码网关'),
      })
      .strict()
      .prefault({}),
    upstream: z
      .object({
        /** Base URL of the platform (or the province's front gateway). None: nothing is sent, uploads wait. */
        baseUrl: z.url().optional(),
        servicePath: z.string().startsWith('/').default('/fsi/api/rsfComIfsService/callService'),
        timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
        connectTimeoutMs: z.number().int().min(100).max(60_000).default(3000),
        connections: z.number().int().min(1).max(256).default(16),
        /** How requests are signed: none, the TIF gateway headers, or SM2 cainfo (+ SM4 input). */
        signing: signingSchema.default({ scheme: 'none' }),
        /** 9001 签到 before the first upload of each day (sign_no in every envelope). */
        signIn: z
          .object({
            enabled: z.boolean().default(false),
            opterNo: z.string().optional(),
            mac: z.string().optional(),
            ip: z.string().optional(),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    proxy: z
      .object({
        enabled: z.boolean().default(true),
        /** Every POST under this prefix is relayed to the same path upstream. */
        prefix: z.string().startsWith('/').default('/fsi/'),
        /** sync: the ledger changes only when the platform accepted; store-and-forward: accept, queue, deliver. */
        mode: z.enum(['sync', 'store-and-forward']).default('sync'),
        /** Source addresses (IPs or CIDR ranges) allowed to use the proxy. */
        allowFrom: z.array(z.string().min(1)).default(['127.0.0.1', '::1']),
        holdSeconds: z.number().int().min(10).max(3600).default(300),
        settleAfterSeconds: z.number().int().min(1).max(3600).default(30),
      })
      .strict()
      .prefault({}),
    outbox: z
      .object({
        enabled: z.boolean().default(true),
        /** Stable name of this instance (its leases survive a restart); default: host name and port. */
        instanceId: z.string().min(1).max(64).optional(),
        /** 0–9 when several instances share one institution code (keeps their msgids apart). */
        msgidInstanceDigit: z.number().int().min(0).max(9).optional(),
        pollMs: z.number().int().min(10).max(60_000).default(500),
        batchSize: z.number().int().min(1).max(1000).default(50),
        concurrency: z.number().int().min(1).max(64).default(4),
        leaseSeconds: z.number().int().min(1).max(3600).default(60),
        settleDelayMs: z.number().int().min(0).max(600_000).default(2000),
        backoff: z
          .object({
            baseMs: z.number().int().min(1).default(1000),
            maxMs: z.number().int().min(1).default(300_000),
            maxAttempts: z.number().int().min(1).max(10_000).default(50),
          })
          .strict()
          .prefault({}),
        retention: z
          .object({
            bodyDays: z.number().int().min(1).default(30),
            failedBodyDays: z.number().int().min(1).default(180),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** Values for 35xx fields the window cannot know, per transaction ('3505') or for all ('*'). */
    rowDefaults: z.record(z.string(), z.record(z.string(), z.string())).default({}),
    /** Window actors → registered names and certificate numbers (phar_name, phar_prac_cert_no…). */
    staff: z.array(staffSchema).default([]),
  })
  .strict()
  .prefault({});

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
        /** upload: tracegate's outbox sends completed sessions' 35xx rows; hold: the HIS sends its own. */
        businessRows: z.enum(['upload', 'hold']).default('upload'),
      })
      .strict()
      .prefault({}),
    insurance: insuranceSchema,
    /** The HIS channels: HL7 v2 listeners, FHIR (POST and polling), HIS databases (PRODUCT.md, Channels). */
    channels: z
      .object({
        /** A message stored but left undecided this long (tracegate stopped in between) is decided by recovery. */
        recoverAfterSeconds: z.number().int().min(5).max(86_400).default(60),
        hl7: z.array(hl7ChannelSchema).default([]),
        fhir: fhirConfigSchema.prefault({}),
        hisDb: z.array(hisDbChannelSchema).default([]),
      })
      .strict()
      .prefault({}),
    demo: z
      .object({
        loadWhenEmpty: z.boolean().default(false),
        /**
         * Also load the pharmacy head's day (anomalies, a duplicate notice, book stock, one anomaly run): what
         * `npm start` shows on the dashboard. Off for tests that build on the plain demo data.
         */
        pharmacyHeadDay: z.boolean().default(false),
        /** Run the insurance platform sandbox in the same process as the upstream (when no baseUrl is set). */
        sandbox: z
          .object({
            enabled: z.boolean().default(false),
            port: z.coerce.number().int().min(0).max(65535).default(8090),
            adminPort: z.coerce.number().int().min(0).max(65535).default(8091),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** Reports for the pharmacy head: anomalies (PRODUCT.md rule 8; plugin/anomalies-config.ts). */
    reports: z.object({ anomalies: anomaliesConfigSchema }).strict().prefault({}),
    /** Extension modules (paths or package names) that register bindings in the container. */
    plugins: z.array(z.string().min(1)).default([]),
  })
  .strict();

export type TracegateConfig = z.infer<typeof configSchema>;
export type StoreConfig = TracegateConfig['store'];
export type InsuranceConfig = TracegateConfig['insurance'];
export type ChannelsConfig = TracegateConfig['channels'];
