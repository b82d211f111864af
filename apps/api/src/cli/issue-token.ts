/**
 * `npm run token -- role=professional personId=p1 unitId=u1 [sub=…] [hours=8]`: prints an HS256
 * token signed with AUTH_JWT_SECRET — or, without it and outside production, with the development
 * secret `npm start` keeps in DATA_DIR — for trying the API (README). Not part of the served API.
 */
import { createSigner } from 'fast-jwt';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { claimsOf } from '../http/auth.guard';

const USAGE = `usage: npm run token -- role=<role> [claims…] [sub=<id>] [hours=8]
  sub defaults to the role and its scope claims: role=unit unitId=u1 → unit:u1:cli
  role=professional personId=<id> unitId=<id>   role=institution institutionId=<id>
  role=unit unitId=<id>                          role=authority region=<6 digits> [industry=<field>]
  role=regulator region=<6 digits>
  Signs with AUTH_JWT_SECRET, else (outside production) with the development secret npm start keeps
  in DATA_DIR/dev-jwt-secret: give the same DATA_DIR as the server. Exit 1 on a wrong argument, 2
  when there is no secret to sign with.`;

/** The claims API.md names (exp is set from hours), and hours: anything else is a typo. */
const KEYS = new Set(['role', 'sub', 'personId', 'unitId', 'institutionId', 'region', 'industry', 'hours']);

/**
 * A user id naming the role and its scope (`institution:inst1:cli`, `authority:360000:health:cli`):
 * tokens for two institutions or two units are two actors, as they would be in production (an exact
 * repeat of a declaration is judged by `sub` and role: API.md). Joined by `:`, which no id holds,
 * so that two scopes never give one id.
 */
function defaultSub(claims: Record<string, string>): string {
  const scope = [claims.personId, claims.unitId, claims.institutionId, claims.region, claims.industry].filter((c) => c !== undefined);
  const sub = [claims.role ?? 'user', ...scope, 'cli'].join(':');
  if (sub.length > MAX_SUB) throw new Error(`the default sub (${sub.length} characters: the role and its scope claims) is longer than the ${MAX_SUB} a token may carry: give sub=`);
  return sub;
}

/** What the server takes in a token's sub (apps/api/src/http/auth.guard.ts). */
const MAX_SUB = 128;

/** AUTH_JWT_SECRET, else the embedded default's development secret (main.ts keeps it there), else where it was looked for. */
function secretInUse(): { secret: string } | { missing: string } {
  const set = process.env.AUTH_JWT_SECRET;
  if (set) return { secret: set };
  if (process.env.NODE_ENV === 'production') return { missing: 'AUTH_JWT_SECRET is not set (required when NODE_ENV=production)' };
  const file = join(process.env.DATA_DIR || './data', 'dev-jwt-secret');
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 32) return { secret: kept };
  } catch {
    // said below
  }
  return { missing: `AUTH_JWT_SECRET is not set, and there is no development secret in ${resolve(file)} (npm start keeps it in its DATA_DIR: give the same DATA_DIR)` };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.length === 1 && ['--help', '-h', 'help'].includes(args[0]!)) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (args.length === 0) throw new Error(`no claims given\n${USAGE}`);
  const claims: Record<string, string> = {};
  for (const arg of args) {
    const [key, ...rest] = arg.split('=');
    if (!key || rest.length === 0) throw new Error(`expected key=value, got ${arg}\n${USAGE}`);
    if (!KEYS.has(key)) throw new Error(`unknown argument ${key}: the arguments are ${[...KEYS].join(', ')}\n${USAGE}`);
    // The server refuses a token that writes a claim twice: so does this.
    if (Object.hasOwn(claims, key)) throw new Error(`${key} is given twice`);
    claims[key] = rest.join('=');
  }
  const hours = Number(claims.hours ?? '8');
  if (!(Number.isFinite(hours) && hours > 0 && hours <= 24 * 366)) throw new Error(`hours must be a number of hours above 0 (at most a year), got ${claims.hours}`);
  delete claims.hours;
  const sub = claims.sub ?? defaultSub(claims);
  // Refuse what the server would refuse (an unknown role, a missing or malformed scope claim).
  claimsOf({ ...claims, sub });
  const inUse = secretInUse();
  if ('missing' in inUse) {
    process.stderr.write(`${inUse.missing}\n`);
    process.exit(2);
  }
  const { secret } = inUse;
  const sign = createSigner({ key: secret, algorithm: 'HS256', expiresIn: hours * 3600 * 1000 });
  const token = sign({ ...claims, sub });
  process.stdout.write(`${token}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
