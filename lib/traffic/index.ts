/**
 * Traffic: how requests reach the apps. `Traffic` chooses per environment (or per app) between
 * Ingresses, the Gateway API and the transition between them (traffic.ts); `AppRoute` is an app's
 * HTTPRoute to one Service, split for canaries (route.ts).
 */
export * from './traffic';
export * from './route';
