/**
 * One configured HL7 channel as the composition root runs it: its InboundChannel registered with the inbound
 * service (so stored messages can be re-read and re-driven), and an MLLP listener started and stopped with tracegate.
 */
import type { InboundService } from '../../core/channels/inbound-service.js';
import type { ChannelLog, ChannelRuntime } from '../../core/ports/channel-runtime.js';
import type { HealthCheck } from '../../core/ports/health-check.js';
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

function listeningCheck(config: Hl7ChannelConfig, listener: MllpListener): HealthCheck {
  return {
    name: `hl7 channel ${config.name}`,
    async check() {
      const address = listener.address();
      return listener.listening && address
        ? { ok: true, detail: `listening on ${address.host}:${address.port}` }
        : {
            ok: false,
            detail: `not listening on ${config.host}:${config.port}`,
            fix: `check that port ${config.port} is free on ${config.host} and that tracegate started (see the log for HL7_LISTEN_FAILED)`,
          };
    },
  };
}
