/** Why a scan that is none of the known kinds was rejected, worded so the pharmacist knows what to do next. */

const URL_LIKE = /^(?:[a-z][a-z0-9+.-]*:\/\/|www\.)/i;
// GS1 Digital Link: the GTIN travels as a path segment /01/<gtin> (or /gtin/<gtin>).
const DIGITAL_LINK = /\/(?:01|gtin)\/\d{8,14}(?:[/?#]|$)/i;
const DIGITS = /^\d+$/;
const INNER_WHITESPACE = /\s/;
const NON_ASCII = /[^\x20-\x7e]/;
const LETTERS = /[A-Za-z]/;

export function unrecognisedReason(text: string): string {
  if (DIGITS.test(text)) {
    return digitsReason(text);
  }
  if (URL_LIKE.test(text)) {
    return DIGITAL_LINK.test(text)
      ? '是GS1数字链接(Digital Link)网址，暂不支持，请扫描药盒上的20位追溯码或GS1二维码'
      : '是网址，不是药品追溯码，请扫描药盒上的追溯码';
  }
  if (INNER_WHITESPACE.test(text)) {
    return '中间含有空格或换行，可能一次扫了多个码，请逐个重新扫描';
  }
  if (hasControlCharacter(text)) {
    return '含有控制字符，请检查扫码枪的输出设置';
  }
  if (NON_ASCII.test(text)) {
    return '含有汉字或其他非ASCII字符，请把输入法切换到英文状态后重新扫描';
  }
  if (LETTERS.test(text)) {
    return '含有字母，不是20位数字药品追溯码，也不是GS1码';
  }
  return '含有非数字字符，不是20位数字药品追溯码，也不是GS1码';
}

function digitsReason(digits: string): string {
  if (digits.length === 20) {
    return '是20位数字但不以8开头，不是药品追溯码(码上放心追溯码以8开头)';
  }
  if (digits.length === 13) {
    return '是13位数字但校验位不对，既不是药品追溯码也不是有效的商品条码，请重新扫描';
  }
  return `是${digits.length}位数字，药品追溯码应为20位数字(以8开头)`;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) {
      return true;
    }
  }
  return false;
}
