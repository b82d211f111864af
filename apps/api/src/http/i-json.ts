/**
 * I-JSON (RFC 7493 §2.3): member names are unique within an object. JSON.parse keeps the last of
 * two, while another reader (a proxy, a gateway) may keep the first: used on request bodies
 * (json-body.ts) and on tokens' headers and claims (auth.guard.ts).
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
/** JSON's white space: space, tab, line feed, carriage return (nothing else may stand between tokens). */
const isJsonSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * The member names written in a text JSON.parse accepted: the strings whose closing quote is
 * followed (after white space) by `:`. One pass, knowing at each quote whether it opens or closes
 * a string, and skipping what a backslash escapes.
 */
function memberNamesWritten(text: string): number {
  let names = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== QUOTE) continue;
    // Inside a string up to its closing quote.
    for (i += 1; text.charCodeAt(i) !== QUOTE; i++) if (text.charCodeAt(i) === BACKSLASH) i += 1;
    let next = i + 1;
    while (next < text.length && isJsonSpace(text.charCodeAt(next))) next += 1;
    if (text.charCodeAt(next) === COLON) names += 1;
  }
  return names;
}

/** The members of every object in a parsed body (iteratively, as wellFormed walks it). */
function memberCount(body: unknown): number {
  let count = 0;
  const pending: unknown[] = [body];
  while (pending.length > 0) {
    const value = pending.pop();
    if (Array.isArray(value)) for (const item of value) pending.push(item);
    else if (typeof value === 'object' && value !== null) {
      const members = Object.values(value);
      count += members.length;
      for (const member of members) pending.push(member);
    }
  }
  return count;
}

/**
 * I-JSON (RFC 7493 §2.3): member names are unique. JSON.parse keeps the last of two, so a body
 * could say one thing to a proxy that reads the first and another to this server: fewer members
 * parsed than names written means a name was repeated.
 */
export const hasDuplicateNames = (text: string, parsed: unknown): boolean => typeof parsed === 'object' && parsed !== null && memberNamesWritten(text) !== memberCount(parsed);
