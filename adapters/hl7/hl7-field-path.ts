/** Where a value sits in an HL7 v2 message: `PID.3`, `ORC.12`, `RXD.35`, `ZTC.2.1` (segment, field, component). */
export interface Hl7FieldPath {
  segment: string;
  /** 1-based field number (MSH counts the field separator as MSH-1, as HL7 does). */
  field: number;
  /** 1-based component, or null for the field as HL7 defines it (an id's first component, a name's parts). */
  component: number | null;
}

const PATH = /^([A-Z][A-Z0-9]{2})\.(\d{1,3})(?:\.(\d{1,2}))?$/;

/** Null when the text is not a path (the config schema says so to the person editing it). */
export function parseFieldPath(text: string): Hl7FieldPath | null {
  const match = PATH.exec(text.trim());
  if (!match) {
    return null;
  }
  const field = Number(match[2]);
  const component = match[3] === undefined ? null : Number(match[3]);
  if (field < 1 || (component !== null && component < 1)) {
    return null;
  }
  return { segment: match[1] as string, field, component };
}

/** `RXD.2`, `ZTC.2.1`: how paths are written in config, error details and documentation. */
export function pathText(path: Hl7FieldPath): string {
  const base = `${path.segment}.${path.field}`;
  return path.component === null ? base : `${base}.${path.component}`;
}
