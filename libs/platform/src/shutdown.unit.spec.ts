import { closeInOrder } from './shutdown';

describe('closeInOrder (PortsShutdown: jobs, then the stores they write to)', () => {
  it('closes each in order', async () => {
    const closed: string[] = [];
    await closeInOrder(['jobs', 'readModels', 'events'].map((name) => async () => void closed.push(name)));
    expect(closed).toEqual(['jobs', 'readModels', 'events']);
  });

  it('still closes the stores when the job queue fails to close, then reports that first failure', async () => {
    const closed: string[] = [];
    const result = closeInOrder([
      async () => {
        throw new Error('jobs: Redis away');
      },
      async () => void closed.push('readModels'),
      async () => {
        throw new Error('events: second failure');
      },
    ]);
    await expect(result).rejects.toThrow('jobs: Redis away');
    expect(closed).toEqual(['readModels']);
  });
});
