/**
 * The platform listener's one route: POST /fsi/… (HIS stacks post to e.g. /fsi/api/rsfComIfsService/callService).
 * Faults are applied around the processing: latency first, then at most one of 503 / 系统繁忙 / drop before /
 * drop after / a held answer. Answers are always HTTP 200 envelopes except the 503 fault and a wrong route.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { platformResponse } from '../../core/insurance/response-envelope.js';
import type { FaultDecision } from './fault-injection.js';
import { decideFault } from './fault-injection.js';
import type { Faults } from './fault-settings.js';
import type { ProcessDeps } from './process-request.js';
import { processRequest } from './process-request.js';
import type { RequestBody } from './read-body.js';
import { readBody } from './read-body.js';
import type { Random } from './seeded-random.js';
import { dropConnection, pause, sendJson, sendText } from './send-response.js';

export interface PlatformDeps extends ProcessDeps {
  faults: () => Faults;
  random: Random;
}

export function platformRequestHandler(deps: PlatformDeps): RequestListener {
  return (req, res) => {
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    handle(deps, req, res).catch((e: unknown) => {
      // Last resort: still an envelope, never a 5xx and never an unhandled rejection.
      sendJson(res, 200, failure(deps, `医保平台沙箱内部错误：${e instanceof Error ? e.message : String(e)}`));
    });
  };
}

async function handle(deps: PlatformDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (!path.startsWith('/fsi/')) {
    sendJson(res, 404, failure(deps, `未找到服务地址 ${path}（医保平台服务地址以 /fsi/ 开头）`));
    return;
  }
  if (req.method !== 'POST') {
    sendJson(res, 405, failure(deps, `医保平台服务只接受 POST 请求，收到 ${req.method ?? ''}`));
    return;
  }
  deps.state.counters.request();
  const receivedMs = Date.now();
  const body = await readBody(req);
  if (body === null) {
    return;
  }
  const decision = decideFault(deps.faults(), deps.random);
  if (decision.latencyMs > 0) {
    deps.state.counters.latency();
    if (!(await pause(decision.latencyMs, res))) {
      return;
    }
  }
  await answer(deps, decision, { req, res, body, receivedMs });
}

async function answer(
  deps: PlatformDeps,
  decision: FaultDecision,
  r: { req: IncomingMessage; res: ServerResponse; body: RequestBody; receivedMs: number }
): Promise<void> {
  const { action } = decision;
  const processed = (): ReturnType<typeof processRequest> =>
    processRequest(deps, { headers: r.req.headers, body: r.body, receivedMs: r.receivedMs });
  if (action !== 'none') {
    deps.state.counters.fault(action);
  }
  switch (action) {
    case 'none':
      sendJson(r.res, 200, processed());
      return;
    case 'error':
      sendText(r.res, 503, '503 Service Unavailable（医保平台沙箱：注入的 HTTP 503 故障，请求未处理）');
      return;
    case 'busy':
      sendJson(r.res, 200, failure(deps, '系统繁忙，请稍后再试'));
      return;
    case 'drop-before':
      dropConnection(r.req);
      return;
    case 'drop-after':
      processed();
      dropConnection(r.req);
      return;
    case 'timeout': {
      const response = processed();
      if (await pause(deps.faults().holdMs, r.res)) {
        sendJson(r.res, 200, response);
      }
      return;
    }
    default:
      return action satisfies never;
  }
}

/** An infcode -1 answer for a request that was not processed. */
function failure(deps: PlatformDeps, errMsg: string): ReturnType<typeof platformResponse> {
  const now = Date.now();
  return platformResponse({
    outcome: { ok: false, errMsg },
    infRefmsgid: deps.state.nextRefmsgid(new Date(now)),
    receivedMs: now,
    respondedMs: now,
  });
}
