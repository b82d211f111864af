/** The worker's processors: projections' subscription and the job processors. No HTTP. */
import { Module } from '@nestjs/common';
import { ApplicationModule } from '@jx/application';
import { InstitutionFraudFlagProcessor } from './jobs/institution-fraud-flag.processor';
import { PromotionDelaySweep } from './jobs/promotion-delay-sweep.processor';
import { RedisWatch } from './jobs/redis-watch';
import { ReadModelsProjection } from './projections/read-models.projection-service';

@Module({
  imports: [ApplicationModule],
  providers: [ReadModelsProjection, InstitutionFraudFlagProcessor, PromotionDelaySweep, RedisWatch],
  exports: [ReadModelsProjection, PromotionDelaySweep],
})
export class WorkerModule {}
