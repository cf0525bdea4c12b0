/**
 * A small node:http server standing in for the platform (or its front gateway) in these tests: it records each
 * request as received and answers with whatever the test's handler does, including never answering or cutting
 * the connection.
 */
import http, { type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildRequest, type RequestEnvelope } from '../../../core/insurance/envelope.js';
import { MsgIdSource } from '../../../core/insurance/msgid-source.js';

export interface StubRequest {
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** May return a promise; what it returns is otherwise ignored. */
export type StubHandler = (request: StubRequest, res: ServerResponse) => unknown;

export interface PlatformStub {
  url: string;
  requests: StubRequest[];
  handle(handler: StubHandler): void;
  close(): Promise<void>;
}

export async function startStub(handler: StubHandler = answerJson({ infcode: 0, output: {} })): Promise<PlatformStub> {
  let current = handler;
  const requests: StubRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(request);
      Promise.resolve(current(request, res)).catch((e: unknown) => {
        res.statusCode = 500;
        res.end(String(e));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle: (h) => {
      current = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function answerJson(body: unknown, status = 200): StubHandler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' });
    res.end(JSON.stringify(body));
  };
}

/** The JSON of a recorded request. */
export function bodyOf(request: StubRequest | undefined): any {
  if (!request) {
    throw new Error('no such request');
  }
  return JSON.parse(request.body.toString('utf8'));
}

export const institution = {
  fixmedinsCode: 'H15090201645',
  fixmedinsName: '某某市人民医院',
  mdtrtareaAdmvs: '150902',
  insuplcAdmdvs: '150902',
  recerSysCode: 'YBXT',
  infver: 'V1.0',
};

const msgids = new MsgIdSource(institution.fixmedinsCode);

/** What tracegate's composition root will pass as envelopeFactory. */
export function envelopeFactory(request: { infno: string; input: Record<string, unknown> }): RequestEnvelope {
  const now = new Date();
  return buildRequest({
    ...request,
    msgid: msgids.next(now),
    institution,
    operator: { opterType: '1', opter: 'SYS', opterName: '溯码网关' },
    at: now.toISOString(),
  });
}

export function envelope3505(): RequestEnvelope {
  return envelopeFactory({
    infno: '3505',
    input: {
      selinfo: {
        fixmedins_bchno: 'D1-1',
        medins_list_codg: 'Y0001',
        drugtracinfo: [{ drug_trac_codg: '81010010000000000001' }],
      },
    },
  });
}
