/**
 * One definition of each validation rule, shared by the constructs (which throw a PropError in the
 * prop's words) and the validation gate (which reports object and field path). Each rule is a pure
 * function returning what is wrong, empty when the value is valid, and names its upstream source.
 */
export * as analysis from './analysis';
export * as credentials from './credentials';
export * as externalSecrets from './external-secrets';
export * as gateway from './gateway';
export * as exemptions from './exemptions';
export * as images from './images';
export * as ingress from './ingress';
export * as keys from './keys';
export * as labels from './labels';
export * as metrics from './metrics';
export * as names from './names';
export * as network from './network';
export * as quantity from './quantity';
export * as securityContext from './security-context';
export * as services from './services';
export * as storage from './storage';
export * as workloads from './workloads';
