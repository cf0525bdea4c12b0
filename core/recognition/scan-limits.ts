/** drug_trac_codg, the insurance field a trace code travels in, holds 100 characters. */
export const MAX_SCAN_LENGTH = 100;

/**
 * Longer input is not even cleaned in full, which bounds the work for a runaway scanner or a pasted document;
 * `normalized` then holds the cleaned first MAX_RAW_LENGTH characters only.
 */
export const MAX_RAW_LENGTH = 1000;
