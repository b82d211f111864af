import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Inject } from '@nestjs/common';
import { decidePutUnit, foldUnit, unitStream, type PutUnitCommand, type UnitState } from '@jx/domain';
import { EVENT_STORE, handleCommand, type EventStore } from '@jx/event-store';
import type { CommandMetadata } from '../command-metadata';
import { CLOCK, type Clock } from '../tokens';

/** Unit events are not decided under any rule set; their metadata says so. */
export const NO_RULE_SET = 'none';

export class PutUnit extends Command<UnitState> {
  readonly type = 'PutUnit';
  constructor(readonly data: PutUnitCommand, readonly metadata: CommandMetadata) {
    super();
  }
}

@CommandHandler(PutUnit)
export class PutUnitHandler implements ICommandHandler<PutUnit> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(CLOCK) private readonly clock: Clock) {}

  async execute({ data, metadata }: PutUnit): Promise<UnitState> {
    const { actor, correlationId, causationId } = metadata;
    const outcome = await handleCommand(this.store, {
      streamId: unitStream(data.unitId),
      metadata: { actor: { id: actor.sub, role: actor.role }, correlationId, causationId },
      now: () => this.clock.now().toISOString(),
      decide: ({ stream }) => ({
        events: decidePutUnit(data, foldUnit(stream), actor) as unknown as Array<{ type: string; data: Record<string, unknown> }>,
        ruleSetId: NO_RULE_SET,
      }),
    });
    return foldUnit(outcome.stream)!;
  }
}
