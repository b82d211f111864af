/**
 * Today in China (RULES.md §4: dates are China dates, UTC+8), for tests that run against the
 * server's real clock: the UTC date is a day behind from 16:00 to 24:00 UTC, so a UTC "today"
 * can be China's yesterday, and on 1 January a UTC year's 2 January is China's tomorrow.
 */
import { chinaDate } from '@jx/domain';

/** China's date now, `YYYY-MM-DD`. */
export const chinaToday = (): string => chinaDate(new Date());

/** China's year now. */
export const chinaYear = (): number => Number(chinaToday().slice(0, 4));
