import { ReplyError } from 'ioredis';
import { isOutOfMemory } from './bullmq-connections';

describe('Redis refusing a write at its maxmemory, as each Redis version words it', () => {
  it.each([
    ['a command on any version', "OOM command not allowed when used memory > 'maxmemory'."],
    ['a script on Redis 7', "OOM command not allowed when used memory > 'maxmemory'. script: 5ab432e88830d573e2fa33392ffbd4ad25a9b100, on @user_script:589."],
    ['a script on Redis 5 and 6', "ERR Error running script (call to f_4ddb1d9d0bb2a8b6c4ec3c5b7a30e3c0d8d8a3c1): @user_script:95: @user_script: 95: -OOM command not allowed when used memory > 'maxmemory'."],
  ])('%s is out of memory', (_what, message) => {
    expect(isOutOfMemory(new ReplyError(message))).toBe(true);
  });

  it.each([
    ['a script error of another kind', 'ERR Error running script (call to f_1): @user_script:3: Script attempted to access nonexistent global variable'],
    ['a lost connection', 'Connection is closed.'],
    ['a key named after it', 'WRONGTYPE Operation against a key holding the wrong kind of value (key OOMcommand)'],
  ])('%s is not', (_what, message) => {
    expect(isOutOfMemory(new ReplyError(message))).toBe(false);
  });
});
