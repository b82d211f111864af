/**
 * `npm run token -- role=professional personId=p1 unitId=u1 [sub=…] [hours=8]`: prints an HS256
 * token signed with AUTH_JWT_SECRET — or, without it and outside production, with the development
 * secret `npm start` keeps in DATA_DIR — for trying the API (README). Not part of the served API.
 */
import { createSigner } from 'fast-jwt';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { claimsOf } from '../http/auth.guard';

/** AUTH_JWT_SECRET, else the embedded default's development secret (main.ts keeps it there), else null. */
function secretInUse(): string | null {
  const set = process.env.AUTH_JWT_SECRET;
  if (set) return set;
  if (process.env.NODE_ENV === 'production') return null;
  try {
    const kept = readFileSync(join(process.env.DATA_DIR || './data', 'dev-jwt-secret'), 'utf8').trim();
    return kept.length >= 32 ? kept : null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const secret = secretInUse();
  if (secret === null) {
    process.stderr.write('set AUTH_JWT_SECRET to the secret the server uses (without it, npm start keeps its development secret in DATA_DIR/dev-jwt-secret, which this command reads)\n');
    process.exit(2);
  }
  const claims: Record<string, string> = {};
  for (const arg of process.argv.slice(2)) {
    const [key, ...rest] = arg.split('=');
    if (!key || rest.length === 0) throw new Error(`expected key=value, got ${arg}`);
    // The server refuses a token that writes a claim twice: so does this.
    if (Object.hasOwn(claims, key)) throw new Error(`${key} is given twice`);
    claims[key] = rest.join('=');
  }
  const hours = Number(claims.hours ?? '8');
  if (!(Number.isFinite(hours) && hours > 0 && hours <= 24 * 366)) throw new Error(`hours must be a number of hours above 0 (at most a year), got ${claims.hours}`);
  delete claims.hours;
  const sub = claims.sub ?? `${claims.role ?? 'user'}-cli`;
  // Refuse what the server would refuse (an unknown role, a missing or malformed scope claim).
  claimsOf({ ...claims, sub });
  const sign = createSigner({ key: secret, algorithm: 'HS256', expiresIn: hours * 3600 * 1000 });
  const token = sign({ ...claims, sub });
  process.stdout.write(`${token}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
