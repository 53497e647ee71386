/** Network addresses as NetworkPolicy `ipBlock`s and ingress-nginx's source allow-lists take them. */

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * True for an IPv4 CIDR such as `10.0.0.0/8`. The constructs take IPv4 ranges only; the API server's
 * own check (ValidateIPBlock, kubernetes/kubernetes pkg/apis/networking/validation) takes IPv6 too.
 */
export function isCidr(value: string): boolean {
  const m = CIDR.exec(value);
  return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}
