import { createHash } from 'node:crypto';

/** A short, stable id part for these values: flag and job ids are derived, never drawn, so that a retry finds its own. */
export const digest = (parts: unknown[]): string => createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 40);
