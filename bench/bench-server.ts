/** Starting a server process for a benchmark, and the signing of its tokens. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { SignJWT } from 'jose';

export const ROOT = join(__dirname, '..');

/** Spawns `node <args>` at the repository root; resolves once it says where it listens. */
export function start(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m) resolve({ child, url: m[1]!.replace(/\/$/, '') });
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

/** HS256 tokens under `secret`, valid for an hour; `sub` defaults to `<role>-bench`. */
export function tokenSigner(secret: string): (claims: Record<string, string>) => Promise<string> {
  const key = new TextEncoder().encode(secret);
  return (claims) => new SignJWT({ sub: `${claims.role}-bench`, ...claims }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(key);
}
