/**
 * Type parsers of the read models' pool. pg hands int8 back as a string (it may exceed 2^53);
 * positions are int8 here, and the port speaks numbers, as the event store's positions are. A
 * value beyond exact numbers fails loudly instead of being rounded.
 */
import { types, type CustomTypesConfig } from 'pg';

const INT8 = 20;

function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`int8 ${text} is beyond the integers a number holds exactly`);
  return value;
}

export const readModelPoolTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 && format !== 'binary' ? parseInt8 : types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};
