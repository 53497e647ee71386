/**
 * The props machinery every construct shares: the errors (errors.ts, `PropError` in checks.ts), the
 * checks of single props in the prop's own words (checks.ts), the runtime schemas of props
 * interfaces (schema.ts) and a construct's self-check through the gate (self-check.ts).
 */
export * from './errors';
export * from './checks';
export * from './schema';
export * from './self-check';
