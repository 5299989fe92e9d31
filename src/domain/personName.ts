import { excerpt } from './excerpt.js';

/** The longest display name kept: Microsoft Entra ID's own limit, so no real name is ever cut. */
export const MAX_NAME_CHARS = 256;

/** A person's display name as the client sent it, bounded before it is stored, shown or logged. */
export function personName(raw: string | undefined): string {
  return excerpt(raw ?? '', MAX_NAME_CHARS);
}
