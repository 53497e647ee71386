/**
 * Secrets from a secret store (External Secrets Operator): stores named by the platform and
 * provided by the cluster (`SecretStoreRef`, an environment's `SecretStores`: secret-store.ts),
 * the values of a Secret (`StoreValue`, `SecretTemplate`) and when they are read again
 * (`SecretRefresh`: store-value.ts), and the ExternalSecret that writes one Secret
 * (`StoreSecret`: store-secret.ts).
 */
export * from './secret-store';
export * from './store-value';
export * from './store-secret';
