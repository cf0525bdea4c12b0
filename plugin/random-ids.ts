import { randomBytes } from 'node:crypto';
import type { IdSource } from '../core/ports/id-source.js';

/** `D20261122093015` + 6 random base-36 characters: sortable by time, readable on the phone, 21 characters. */
export const randomIds: IdSource = {
  next(prefix, now) {
    const stamp = now.toISOString().replace(/\D/g, '').slice(0, 14);
    const random = (randomBytes(5).readUIntBE(0, 5) % 36 ** 6).toString(36).padStart(6, '0');
    return `${prefix}${stamp}${random}`;
  },
};
