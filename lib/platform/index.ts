/**
 * The platform: `PlatformApp`, which runs the gate and writes dist/ (platform-app.ts); `Environment`,
 * one folder and namespace of dist/ (environment.ts), on a cluster (cluster.ts), with the images of
 * its releases file (releases.ts); and `PlatformTesting` for tests (testing.ts).
 */
export * from './platform-app';
export * from './environment';
export * from './cluster';
export * from './releases';
export * from './testing';
