/**
 * The national insurance platform as tracegate reaches it (HTTP in production, the sandbox in tests and the demo).
 * Transport failures come back classified, never thrown: whether a request may have reached the platform decides
 * whether it may be resent.
 */
import type { RequestEnvelope } from '../insurance/envelope.js';

/** transient: certainly not processed (refused connection, 503…) · ambiguous: may have been processed. */
export interface TransportFailure {
  kind: 'failure';
  errorClass: 'transient' | 'ambiguous';
  /** UPSTREAM_REFUSED, UPSTREAM_TIMEOUT, UPSTREAM_DROPPED, UPSTREAM_HTTP_502… */
  code: string;
  message: string;
}

export interface UpstreamReply {
  kind: 'reply';
  status: number;
  headers: Record<string, string>;
  /** The body as received. */
  raw: Buffer;
}

export interface SendResult {
  /** The body that went out (after signing/encryption), for the attempt record. */
  requestBody: string;
  outcome:
    | TransportFailure
    | (UpstreamReply & {
        /** The response JSON (output decrypted when the platform encrypts it); undefined when not JSON. */
        json: unknown;
      });
}

export interface InsuranceUpstream {
  /**
   * POST an envelope tracegate built to the configured service URL, after filling sign_no (9001 sign-in, when
   * configured) and applying the configured signing/encryption.
   */
  send(envelope: RequestEnvelope): Promise<SendResult>;
  /** POST the HIS's request untouched (bytes and headers, minus hop-by-hop ones) to the same path upstream. */
  relay(request: {
    path: string;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
  }): Promise<UpstreamReply | TransportFailure>;
  close(): Promise<void>;
}
