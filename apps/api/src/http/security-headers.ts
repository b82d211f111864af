/**
 * Headers on every answer: statements, histories and inboxes hold personal data, which no browser
 * or proxy cache may keep (`no-store`), and JSON is never to be sniffed as something else.
 */
export const SECURITY_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;
