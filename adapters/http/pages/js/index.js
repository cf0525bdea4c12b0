/** The index: links, and whether a token is stored (never the token itself). */
import { getToken } from './api.js';
import { $, initPage } from './ui.js';

function showTokenState() {
  $('#token-state').textContent = getToken() ? '已设置（保存在本机浏览器）' : '未设置（点右上角「令牌」）';
}

initPage();
showTokenState();
document.addEventListener('tracegate:token', showTokenState);
