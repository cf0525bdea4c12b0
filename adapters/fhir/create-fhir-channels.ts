/**
 * The FHIR channel as configured: the POST route (the lead mounts it at the app root, behind bearer auth) and/or
 * the poller, each registered with the inbound service under its own channel name.
 */
import type { Router } from 'express';
import type { InboundService } from '../../core/channels/inbound-service.js';
import type { ChannelLog, ChannelRuntime } from '../../core/ports/channel-runtime.js';
import type { Clock } from '../../core/ports/clock.js';
import type { InboundStore } from '../../core/ports/inbound-store.js';
import type { FhirConfig } from './fhir-config.js';
import { fhirInboundChannel } from './fhir-inbound-channel.js';
import { createFhirPollClient, type FhirPollClient } from './fhir-poll-client.js';
import { FhirPoller } from './fhir-poller.js';
import { fhirRoutes } from './fhir-routes.js';

export interface FhirChannelDeps {
  inbound: InboundService;
  store: InboundStore;
  clock: Clock;
  log: ChannelLog;
  /** Tests may pass their own; by default fhir-kit-client against poll.baseUrl. */
  client?: FhirPollClient;
}

export interface FhirChannels {
  runtimes: ChannelRuntime[];
  /** POST /fhir/MedicationDispense (and GET of what it stored), when post is enabled. */
  routes?: Router;
}

export function createFhirChannels(config: FhirConfig, deps: FhirChannelDeps): FhirChannels {
  const channels: FhirChannels = { runtimes: [] };
  if (config.post.enabled) {
    const channel = fhirInboundChannel(config.post.channel, config, 'resource');
    deps.inbound.register(channel);
    channels.routes = fhirRoutes(deps.inbound, { channel, bodyLimitKb: config.post.bodyLimitKb, log: deps.log });
  }
  const { poll } = config;
  if (poll.enabled && poll.baseUrl) {
    // The poller also stores the Bundle form (packs held as Medication resources on the HIS server).
    deps.inbound.register(fhirInboundChannel(poll.name, config, 'resource-or-bundle'));
    const pollConfig = { ...poll, baseUrl: poll.baseUrl };
    const client = deps.client ?? createFhirPollClient(pollConfig);
    channels.runtimes.push(new FhirPoller(pollConfig, config, { ...deps, client }));
  }
  return channels;
}
