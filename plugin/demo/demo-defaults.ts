/** What `tracegate serve --demo` (and `npm start`) runs with unless the config file or environment says otherwise. */
export const demoDefaults = {
  store: { client: 'sqlite', filename: './data/tracegate.sqlite' },
  demo: { loadWhenEmpty: true },
  auth: {
    tokens: [
      { name: '药师 张敏', token: 'demo-pharmacist-token', roles: ['pharmacist'] },
      { name: '药剂科 王主任', token: 'demo-pharmacy-head-token', roles: ['pharmacy-head'] },
      { name: '信息科 管理员', token: 'demo-admin-token-000', roles: ['admin'] },
      { name: 'HIS 接口', token: 'demo-integration-token', roles: ['integration'] },
    ],
  },
};
