import type { ActorClaims } from '@jx/domain';

/** Who sends a command and in which conversation (recorded on every event it produces). */
export interface CommandMetadata {
  actor: ActorClaims;
  correlationId: string;
  causationId: string | null;
}
