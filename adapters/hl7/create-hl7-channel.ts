/**
 * One configured HL7 channel as the composition root runs it: its InboundChannel registered with the inbound
 * service (so stored messages can be re-read and re-driven), and an MLLP listener started and stopped with tracegate.
 */
import type { InboundService } from '../../core/channels/inbound-service.js';
import type { ChannelLog, ChannelRuntime } from '../../core/ports/channel-runtime.js';
import { createServer } from 'node:net';
import type { HealthCheck, HealthResult } from '../../core/ports/health-check.js';
import { Hl7Channel } from './hl7-channel.js';
import type { Hl7ChannelConfig } from './hl7-config.js';
import { hl7FrameHandler } from './hl7-frame-handler.js';
import { MllpListener } from './mllp-listener.js';

export interface Hl7ChannelRuntime extends ChannelRuntime {
  readonly channel: Hl7Channel;
  /** Where it listens once started (the chosen port when 0 was configured). */
  address(): { host: string; port: number } | null;
}

export function createHl7Channel(
  config: Hl7ChannelConfig,
  deps: { inbound: InboundService; log: ChannelLog }
): Hl7ChannelRuntime {
  const channel = new Hl7Channel(config, deps.log);
  deps.inbound.register(channel);
  const listener = new MllpListener(
    { name: config.name, host: config.host, port: config.port, maxFrameBytes: config.maxFrameBytes },
    hl7FrameHandler(channel, deps.inbound, deps.log),
    deps.log
  );
  return {
    name: config.name,
    channel,
    start: () => listener.start(),
    stop: () => listener.stop(),
    checks: [listeningCheck(config, listener)],
    address: () => listener.address(),
  };
}

/**
 * In the serving process: is the listener up. Elsewhere (`tracegate doctor` beside a running or stopped serve):
 * could serve listen on the configured address.
 */
function listeningCheck(config: Hl7ChannelConfig, listener: MllpListener): HealthCheck {
  return {
    name: `hl7 channel ${config.name}`,
    async check() {
      const address = listener.address();
      if (listener.listening && address) {
        return { ok: true, detail: `listening on ${address.host}:${address.port}` };
      }
      if (listener.started) {
        return {
          ok: false,
          detail: `not listening on ${config.host}:${config.port}`,
          fix: `check that port ${config.port} is free on ${config.host} (see the log for HL7_LISTEN_FAILED)`,
        };
      }
      return probePort(config.host, config.port);
    },
  };
}

function probePort(host: string, port: number): Promise<HealthResult> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (e: NodeJS.ErrnoException) => {
      resolve(
        e.code === 'EADDRINUSE'
          ? { ok: true, detail: `${host}:${port} is in use (by tracegate serve when it runs; else by another program)` }
          : {
              ok: false,
              detail: `cannot listen on ${host}:${port}: ${e.code ?? e.message}`,
              fix: `check hl7 host/port (a port below 1024 needs privileges; the host must be an address of this machine)`,
            }
      );
    });
    server.listen(port, host, () => {
      server.close(() => resolve({ ok: true, detail: `${host}:${port} is free: serve will listen there` }));
    });
  });
}
