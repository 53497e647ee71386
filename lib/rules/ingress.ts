/** Ingress hosts, paths and class (pkg/apis/networking/validation, Kubernetes 1.27). */
import { isIpAddress } from './network';
import { dns1123Subdomain, wildcardDns1123Subdomain } from './names';

/** validateIngressRules: a DNS-1123 subdomain, or `*.` and one (IsWildcardDNS1123Subdomain); never an IP address. */
export function ingressHost(host: string): string[] {
  if (isIpAddress(host)) return [`must be a DNS name, not an IP address, got "${host}"`];
  if (host.includes('*')) return wildcardDns1123Subdomain(host);
  return dns1123Subdomain(host);
}

/** validateHTTPIngressPath's invalidPathSequences and invalidPathSuffixes, for pathType Prefix and Exact. */
const INVALID_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_SUFFIXES = ['/..', '/.'];

/** validateHTTPIngressPath: Prefix and Exact paths are absolute and free of `//`, `/./`, `/../`, `%2f` and a `/.` or `/..` end. */
export function ingressPath(path: string, pathType: string): string[] {
  if (pathType === 'ImplementationSpecific') return path && !path.startsWith('/') ? ['must be an absolute path (start with \'/\')'] : [];
  if (pathType !== 'Prefix' && pathType !== 'Exact') return [`pathType must be one of Exact, ImplementationSpecific or Prefix, got "${pathType}"`];
  const errs: string[] = [];
  if (!path.startsWith('/')) errs.push(`must start with '/', got "${path}" (an absolute path)`);
  for (const s of INVALID_SEQUENCES) if (path.includes(s)) errs.push(`must not contain '${s}', got "${path}"`);
  for (const s of INVALID_SUFFIXES) if (path.endsWith(s)) errs.push(`cannot end with '${s}', got "${path}"`);
  return errs;
}

/** ValidateIngressClassName = NameIsDNSSubdomain. */
export function ingressClassName(name: string): string[] {
  return dns1123Subdomain(name);
}

/** validateTLSSecretName = ValidateSecretName = NameIsDNSSubdomain: dotted names such as `example.com-tls` are fine. */
export function tlsSecretName(name: string): string[] {
  return dns1123Subdomain(name);
}

/** Route key of a host and path, for the one-claim-per-route rule (the NGINX admission webhook refuses a second Ingress for the same host and path). */
export function routeKey(host: string | undefined, path: string | undefined): string {
  return `${host ?? '*'}${path ?? '/'}`;
}
