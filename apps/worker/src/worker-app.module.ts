import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '@jx/config';
import { InfrastructureModule, PortsShutdown } from '@jx/platform';
import { WorkerModule } from './worker.module';

/** A worker process on its own: projections and job processors, no HTTP. */
@Module({})
export class WorkerAppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: WorkerAppModule, imports: [InfrastructureModule.forRoot(config), WorkerModule], providers: [PortsShutdown] };
  }
}
