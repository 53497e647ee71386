/**
 * The app: `JavaApp`, one Spring Boot service with everything it runs on (java-app.ts), its props
 * (props.ts) and their checks (checks.ts), its pod and JVM settings (pod.ts), health probes
 * (health-probe.ts), egress rules (egress.ts) and reviewed exceptions to the policy
 * (policy-exception.ts).
 */
export * from './java-app';
export * from './health-probe';
export * from './egress';
export * from './policy-exception';
