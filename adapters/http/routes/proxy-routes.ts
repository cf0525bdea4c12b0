/**
 * The insurance proxy's HTTP face: every POST under the configured prefix goes to ProxyService with its bytes and
 * headers as received. Answers are the platform's own bytes when they came from the platform, or tracegate's
 * envelope (HTTP 200, infcode -1 and a Chinese err_msg) otherwise — what the HIS screen already knows how to show.
 */
import express from 'express';
import type { Request, RequestHandler, Response } from 'express';
import type { ProxyAnswer, ProxyService } from '../../../core/insurance/proxy-service.js';
import { refusalEnvelope } from '../../../core/insurance/response-envelope.js';
import type { Logger } from '../../../plugin/logger.js';
import { sourceAllowlist } from '../source-allowlist.js';

export interface ProxyRouteOptions {
  prefix: string;
  allowFrom: string[];
  bodyLimit: string;
}

/** Headers that describe the connection to tracegate, not the message. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'te',
  'trailer',
  'upgrade',
]);

export function proxyRoutes(proxy: ProxyService, options: ProxyRouteOptions, log: Logger): RequestHandler {
  const allowed = sourceAllowlist(options.allowFrom);
  // Any content type: the body is relayed as bytes, whatever the HIS labelled it.
  const raw = express.raw({ type: () => true, limit: options.bodyLimit });
  return (req, res, next) => {
    if (req.method !== 'POST' || !req.path.startsWith(options.prefix)) {
      next();
      return;
    }
    const source = req.socket.remoteAddress;
    if (!allowed(source)) {
      log.warn('proxy source refused', { source, path: req.path });
      res
        .status(403)
        .json(
          refusalEnvelope(
            `【溯码网关】来源地址 ${source ?? '未知'} 未获准使用医保代理（insurance.proxy.allowFrom）`,
            '',
            new Date().toISOString()
          )
        );
      return;
    }
    raw(req, res, (err?: unknown) => {
      if (err) {
        next(err);
        return;
      }
      void handle(proxy, req, res, log).catch(next);
    });
  };
}

async function handle(proxy: ProxyService, req: Request, res: Response, log: Logger): Promise<void> {
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const answer = await proxy.handle({
    path: req.originalUrl,
    headers: req.headers,
    body,
    sourceIp: req.socket.remoteAddress ?? '',
  });
  send(res, answer);
  if (answer.kind === 'envelope' && answer.code) {
    log.info('proxy refused', { path: req.path, code: answer.code });
  }
}

function send(res: Response, answer: ProxyAnswer): void {
  switch (answer.kind) {
    case 'upstream': {
      res.status(answer.reply.status);
      for (const [name, value] of Object.entries(answer.reply.headers)) {
        if (!HOP_BY_HOP.has(name.toLowerCase())) {
          res.setHeader(name, value);
        }
      }
      res.end(answer.reply.raw);
      return;
    }
    case 'envelope':
      res.status(200).json(answer.body);
      return;
    case 'stored':
      res.status(200).type('application/json; charset=utf-8').send(answer.text);
      return;
    default:
      answer satisfies never;
  }
}
