// The package ships CommonJS without typings; only the part this module uses is declared.
declare module 'gs1-barcode-parser-mod' {
  export interface ParsedElement {
    ai: string;
    dataTitle: string;
    data: unknown;
    unit: string;
    isoDate: string;
    /** The element's text as it stood in the barcode (this fork adds it). */
    raw?: string;
  }
  export interface ParsedBarcode {
    codeName: string;
    parsedCodeItems: ParsedElement[];
  }
  /** Throws a string describing the problem when the input is not a GS1 element string. */
  export function parseBarcode(barcode: string): ParsedBarcode;
}
