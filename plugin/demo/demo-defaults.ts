/** What `tracegate serve --demo` (and `npm start`) runs with unless the config file or environment says otherwise. */
export const demoDefaults = {
  store: { client: 'sqlite', filename: './data/tracegate.sqlite' },
  demo: { loadWhenEmpty: true, pharmacyHeadDay: true, sandbox: { enabled: true, port: 8090, adminPort: 8091 } },
  auth: {
    tokens: [
      { name: '药师 张敏', token: 'demo-pharmacist-token', roles: ['pharmacist'] },
      { name: '药剂科 王主任', token: 'demo-pharmacy-head-token', roles: ['pharmacy-head'] },
      { name: '信息科 管理员', token: 'demo-admin-token-000', roles: ['admin'] },
      { name: 'HIS 接口', token: 'demo-integration-token', roles: ['integration'] },
    ],
  },
  insurance: {
    institution: { fixmedinsCode: 'H31011500001', fixmedinsName: '溯码示范医院', mdtrtareaAdmvs: '310115' },
    // The window knows neither the patient's certificate type nor the settlement type's code; a hospital's HIS does.
    rowDefaults: {
      '3505': { hi_feesetl_type: '1', psn_cert_type: '01', rx_circ_flag: '0' },
      '3506': { psn_cert_type: '01' },
    },
    staff: [
      { actor: '药师 张敏', name: '张敏', certType: '01', pracCertNo: 'YS2019001' },
      { actor: '药剂科 王主任', name: '王建华', certType: '01', pracCertNo: 'YS2008017' },
      { actor: '药师 陈晓', name: '陈晓', certType: '01', pracCertNo: 'YS2021033' },
      { actor: 'HIS 接口', name: '门诊药房', pracCertNo: 'YS2019001' },
    ],
  },
};
