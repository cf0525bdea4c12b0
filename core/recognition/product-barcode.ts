/** Product barcodes (69码/EAN-13, a bare GTIN-14): they name a product, not a pack, so they are never a trace code. */
export { isValidEan13 } from './gtin-check-digit.js';

export function productBarcodeMessage(barcode: string): string {
  const name = barcode.startsWith('69') ? '商品条码(69码)' : '商品条码(EAN-13)';
  return `扫到的是${name} ${barcode}，不是药品追溯码，请扫描药盒上的追溯码`;
}

export function gtinOnlyMessage(gtin: string): string {
  return `扫到的仅有商品编码(GTIN) ${gtin}，缺少序列号，不是药品追溯码，请扫描药盒上的追溯码或GS1二维码`;
}
