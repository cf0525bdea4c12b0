/**
 * The upstream when insurance.upstream.baseUrl is not set: nothing leaves tracegate. Uploads wait as pending
 * (a transient failure) and the proxy answers with the reason, so a missing setting is visible, not silent.
 */
import type { InsuranceUpstream, TransportFailure } from '../../core/ports/insurance-upstream.js';

const failure: TransportFailure = {
  kind: 'failure',
  errorClass: 'transient',
  code: 'UPSTREAM_NOT_CONFIGURED',
  message: '未配置医保平台地址（insurance.upstream.baseUrl），未上传',
};

export const unconfiguredUpstream: InsuranceUpstream = {
  async send(envelope) {
    return { requestBody: JSON.stringify(envelope), outcome: failure };
  },
  async relay() {
    return failure;
  },
  async close() {},
};
