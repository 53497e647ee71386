/**
 * Names, label keys and values, annotations: the API server's own rules (Kubernetes 1.27,
 * k8s.io/apimachinery pkg/util/validation, pkg/api/validation and pkg/apis/meta/v1/validation).
 * Every function returns what is wrong (empty when the value is valid), in words that fit after
 * the name of the prop or field.
 */

/**
 * Remembers the values a rule found valid (labels and keys repeat on every object), so that each
 * distinct value is checked once per process; bounded, so memory stays flat.
 */
const NONE: string[] = Object.freeze([]) as unknown as string[];

export function rememberValid(rule: (value: string) => string[]): (value: string) => string[] {
  const valid = new Set<string>();
  return (value: string) => {
    if (valid.has(value)) return NONE;
    const errs = rule(value);
    if (errs.length === 0 && valid.size < 100_000) valid.add(value);
    return errs;
  };
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** IsDNS1123Label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters. */
export const dns1123Label = rememberValid((value: string): string[] => {
  const errs: string[] = [];
  if (value.length > 63) errs.push(`must be no more than 63 characters (got ${value.length})`);
  if (!DNS1123_LABEL.test(value)) {
    errs.push(DNS1123_SUBDOMAIN.test(value) ? 'must not contain dots'
      : 'must be a DNS-1123 label: lowercase letters, digits and \'-\', starting and ending with a letter or digit (e.g. "my-name")');
  }
  return errs;
});

/** IsDNS1123Subdomain: DNS-1123 labels joined by dots, at most 253 characters. */
export const dns1123Subdomain = rememberValid((value: string): string[] => {
  const errs: string[] = [];
  if (value.length > 253) errs.push(`must be no more than 253 characters (got ${value.length})`);
  if (!DNS1123_SUBDOMAIN.test(value)) errs.push('must be a DNS-1123 subdomain: lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit (e.g. "example.com")');
  return errs;
});

/** IsDNS1035Label: like a DNS-1123 label, but starting with a letter (Service names). */
export const dns1035Label = rememberValid((value: string): string[] => {
  const errs: string[] = [];
  if (value.length > 63) errs.push(`must be no more than 63 characters (got ${value.length})`);
  if (!DNS1035_LABEL.test(value)) errs.push('must be a DNS-1035 label: lowercase letters, digits and \'-\', starting with a letter and ending with a letter or digit (e.g. "my-name")');
  return errs;
});

/** IsWildcardDNS1123Subdomain: `*.` followed by a DNS-1123 subdomain (RFC 1034 4.3.3). */
export function wildcardDns1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push(`must be no more than 253 characters (got ${value.length})`);
  if (!value.startsWith('*.') || !DNS1123_SUBDOMAIN.test(value.slice(2))) {
    errs.push('a wildcard host must start with \'*.\' followed by a DNS-1123 subdomain (e.g. "*.example.com"); \'*\' is only allowed as the whole first label');
  }
  return errs;
}

/** path.IsValidPathSegmentName (RBAC names, HPA target names): not "." or "..", no '/' or '%'. */
export function pathSegmentName(value: string): string[] {
  if (value === '.' || value === '..') return [`may not be '${value}'`];
  const bad = ['/', '%'].filter((c) => value.includes(c));
  return bad.length ? [`may not contain '${bad.join('\' or \'')}'`] : [];
}

/**
 * Which name rule the API server applies to `metadata.name` of a kind (ValidateObjectMeta's
 * ValidateNameFunc): Service ValidateServiceName = NameIsDNS1035Label; Namespace
 * ValidateNamespaceName = NameIsDNSLabel; RBAC roles ValidateRBACName = IsValidPathSegmentName;
 * CronJob validateCronJob (at most 52 characters, since Jobs get an 11-character suffix); every
 * other kind the platform writes (ConfigMap, Secret, ServiceAccount, Deployment, Ingress, PDB,
 * HPA, NetworkPolicy, PVC and custom resources) NameIsDNSSubdomain.
 */
export function objectName(kind: string, name: string): string[] {
  if (name === '') return ['is required'];
  switch (kind) {
    case 'Service': return dns1035Label(name);
    case 'Namespace': return dns1123Label(name);
    case 'Role': case 'ClusterRole': case 'RoleBinding': case 'ClusterRoleBinding': return pathSegmentName(name);
    case 'CronJob': return [...dns1123Subdomain(name), ...(name.length > 52 ? [`must be no more than 52 characters (got ${name.length})`] : [])];
    default: return dns1123Subdomain(name);
  }
}

/** What the name rule of a kind is called, for messages ("a DNS-1035 label"). */
export function objectNameRule(kind: string): string {
  if (kind === 'Service') return 'a DNS-1035 label';
  if (kind === 'Namespace') return 'a DNS-1123 label';
  return 'a DNS-1123 subdomain';
}

/** IsQualifiedName (label keys, annotation keys, toleration keys): `[prefix/]name`, prefix a DNS-1123 subdomain, name at most 63 characters. */
export const qualifiedName = rememberValid((value: string): string[] => {
  const parts = value.split('/');
  let name = parts[0];
  const errs: string[] = [];
  if (parts.length === 2) {
    const [prefix, rest] = parts;
    name = rest;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...dns1123Subdomain(prefix).map((e) => `prefix part ${e}`));
  } else if (parts.length > 2) {
    return ['must be a qualified name: an optional DNS subdomain prefix and \'/\', then a name of letters, digits, \'-\', \'_\' or \'.\' that starts and ends with a letter or digit (e.g. "example.com/my-name")'];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else {
    if (name.length > 63) errs.push(`name part must be no more than 63 characters (got ${name.length})`);
    if (!QUALIFIED_NAME.test(name)) errs.push('name part must consist of letters, digits, \'-\', \'_\' or \'.\', and must start and end with a letter or digit (e.g. "my.name")');
  }
  return errs;
});

/** IsValidLabelValue: empty, or at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit. */
export const labelValue = rememberValid((value: string): string[] => {
  const errs: string[] = [];
  if (value.length > 63) errs.push(`must be no more than 63 characters (got ${value.length})`);
  if (!LABEL_VALUE.test(value)) errs.push('must be empty or consist of letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit');
  return errs;
});

/** One problem of a map of labels, or of annotations: the key it concerns (if any) and what is wrong. */
export interface MapProblem {
  readonly key?: string;
  readonly at: 'key' | 'value' | 'size';
  readonly message: string;
}

/** ValidateLabels (meta/v1/validation): every key a qualified name, every value a label value. */
export function labelMap(labels: Record<string, unknown>): MapProblem[] {
  const out: MapProblem[] = [];
  for (const [k, v] of Object.entries(labels)) {
    for (const e of qualifiedName(k)) out.push({ key: k, at: 'key', message: `label key "${k}": ${e}` });
    if (typeof v === 'string') for (const e of labelValue(v)) out.push({ key: k, at: 'value', message: `label value "${v}" of "${k}": ${e}` });
  }
  return out;
}

/** TotalAnnotationSizeLimitB of apimachinery's ValidateAnnotations: 256 KiB of keys and values. */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/** ValidateAnnotations (pkg/api/validation): keys are qualified names (checked lowercased), keys and values together at most 256 KiB. */
export function annotationMap(annotations: Record<string, unknown>): MapProblem[] {
  const out: MapProblem[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const e of qualifiedName(k.toLowerCase())) out.push({ key: k, at: 'key', message: `annotation key "${k}": ${e}` });
    size += Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
  }
  if (size > ANNOTATIONS_MAX_BYTES) out.push({ at: 'size', message: `annotations take ${size} bytes, more than the API server's limit of ${ANNOTATIONS_MAX_BYTES} (256 KiB)` });
  return out;
}
