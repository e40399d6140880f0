export type { TsRcHealthResult } from './health-indicator.js';
export { TsRcHealthIndicator } from './health-indicator.js';
export { getCacheServiceToken, InjectCacheService } from './tokens.js';
export type { TsRcFeature, TsRcModuleAsyncOptions } from './ts-rc-module.js';
export { TsRcModule } from './ts-rc-module.js';
