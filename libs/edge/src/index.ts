export { EdgeModule, type EdgeOptions } from './edge.module.js';
export { startHybridApp, type HybridAppOptions, type RunningApp } from './hybrid-app.js';
