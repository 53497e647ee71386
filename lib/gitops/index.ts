/**
 * GitOps: `ArgoCdBootstrap`, the Argo CD Applications and AppProjects that sync each folder of
 * dist/ to its cluster (bootstrap.ts), how they sync (`SyncPolicy`, sync-policy.ts), and the
 * inventory of what each folder holds, from which the projects' allow-lists are written
 * (inventory.ts).
 */
export * from './bootstrap';
