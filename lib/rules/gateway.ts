/**
 * HTTPRoute path matches, as the Gateway API CRD's CEL rules refuse them (gateway-api v1.6.1,
 * config/crd/standard/gateway.networking.k8s.io_httproutes.yaml, `HTTPPathMatch` of
 * apis/v1/httproute_types.go), for `Exact` and `PathPrefix` matches; messages are the CRD's.
 */
const PATH_CHARACTERS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/;
const INVALID_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F', '#'];
const INVALID_SUFFIXES = ['/..', '/.'];
const WHEN = 'when type one of [\'Exact\', \'PathPrefix\']';

/** The problems of an `Exact` or `PathPrefix` HTTPRoute path value, empty when the API server accepts it. */
export function httpRoutePath(path: string): string[] {
  const errs: string[] = [];
  if (!path.startsWith('/')) errs.push(`value must be an absolute path and start with '/' ${WHEN}, got "${path}"`);
  for (const s of INVALID_SEQUENCES) if (path.includes(s)) errs.push(`must not contain '${s}' ${WHEN}, got "${path}"`);
  for (const s of INVALID_SUFFIXES) if (path.endsWith(s)) errs.push(`must not end with '${s}' ${WHEN}, got "${path}"`);
  if (!PATH_CHARACTERS.test(path)) errs.push(`must only contain valid characters (matching ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$) ${WHEN}, got "${path}"`);
  return errs;
}
