import { isIPv4, isIPv6 } from 'net';

/** Network addresses as NetworkPolicy `ipBlock`s and ingress-nginx's source allow-lists take them. */

/**
 * Whether `value` is an IP address (net.isIP's answer). An IPv6 address always holds a colon and an
 * IPv4 one never does, so only IPv6 candidates meet Node's IPv6 expression, which costs a few
 * milliseconds to build the first time: host names and IPv4 ranges never build it.
 */
export function isIpAddress(value: string): 4 | 6 | 0 {
  if (value.includes(':')) return isIPv6(value) ? 6 : 0;
  return isIPv4(value) ? 4 : 0;
}

/**
 * validation.IsValidCIDR and ValidateIPBlock, as net.ParseCIDR reads a CIDR (kubernetes/kubernetes
 * pkg/apis/networking/validation, staging/src/k8s.io/apimachinery/pkg/util/validation): an IPv4
 * or IPv6 address, one '/', then only the digits of a prefix length the address family allows.
 */
export function isParsedCidr(value: string): boolean {
  const [ip, bits, ...more] = value.split('/');
  const family = isIpAddress(ip);
  return more.length === 0 && family !== 0 && /^\d+$/.test(bits ?? '') && Number(bits) <= (family === 6 ? 128 : 32);
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * True for an IPv4 CIDR such as `10.0.0.0/8`. The constructs take IPv4 ranges only; the API server's
 * own check (ValidateIPBlock, kubernetes/kubernetes pkg/apis/networking/validation) takes IPv6 too.
 */
export function isCidr(value: string): boolean {
  const m = CIDR.exec(value);
  return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}
