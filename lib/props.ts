/**
 * Checks of construct props, shared by every construct: each failure is one error that names the
 * construct, the prop and what to change, e.g. `JavaApp "orders": port must be 1-65535, got 70000`.
 */

export class PropError extends Error {
  constructor(construct: string, id: string, message: string) {
    super(`${construct} "${id}": ${message}`);
    this.name = 'PropError';
  }
}

/** Throws a PropError for the construct when `ok` is false. */
export function check(ok: boolean, construct: string, id: string, message: () => string): void {
  if (!ok) throw new PropError(construct, id, message());
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A DNS-1123 label (the rule for Service, Deployment and most names): at most 63 characters. */
export function isDnsLabel(name: string): boolean {
  return name.length <= 63 && DNS_LABEL.test(name);
}

export function isDnsSubdomain(name: string): boolean {
  return name.length <= 253 && DNS_SUBDOMAIN.test(name);
}

export function checkName(construct: string, id: string, prop: string, value: string): void {
  check(isDnsLabel(value), construct, id, () =>
    `${prop} must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got "${value}"`);
}

export function checkInteger(construct: string, id: string, prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  check(Number.isInteger(value) && value >= min && value <= max, construct, id, () =>
    `${prop} must be an integer ${min}-${max}, got ${value}`);
}

export function checkPort(construct: string, id: string, prop: string, value: number | undefined): void {
  if (value === undefined) return;
  check(Number.isInteger(value) && value >= 1 && value <= 65535, construct, id, () => `${prop} must be 1-65535, got ${value}`);
}

const QUANTITY = /^([+-]?[0-9.]+)([eE][+-]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;
const SUFFIX: Record<string, number> = {
  '': 1, 'n': 1e-9, 'u': 1e-6, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
  'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60,
};

/** The value of a Kubernetes quantity ("500m", "1Gi", "2"), or undefined when it is not one. */
export function parseQuantity(q: string): number | undefined {
  const m = QUANTITY.exec(q);
  if (!m || !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(m[1])) return undefined;
  const suffix = m[2] ?? '';
  const value = Number(m[1]);
  // An exponent (e3, E-3), not the suffixes E (exa) and Ei (exbi), which also start with E.
  if (/^[eE][+-]?\d+$/.test(suffix)) return value * 10 ** Number(suffix.slice(1));
  return value * SUFFIX[suffix];
}

export function checkQuantity(construct: string, id: string, prop: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = parseQuantity(value);
  check(parsed !== undefined && parsed > 0, construct, id, () =>
    `${prop} must be a positive Kubernetes quantity such as "500m", "1Gi" or "2", got "${value}"`);
  return parsed;
}

/** Parses `registry/repo:tag`, `repo@sha256:...` or both; undefined parts are absent. */
export function parseImage(image: string): { repository: string; tag?: string; digest?: string } {
  const [nameAndTag, digest] = image.split('@');
  const slash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.lastIndexOf(':');
  const hasTag = colon > slash;
  return {
    repository: hasTag ? nameAndTag.slice(0, colon) : nameAndTag,
    tag: hasTag ? nameAndTag.slice(colon + 1) : undefined,
    digest,
  };
}

const IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

/** Why an image reference is not pinned, or undefined when it is (a tag other than latest, or a digest). */
export function unpinnedImage(image: string): string | undefined {
  if (!IMAGE.test(image)) return `"${image}" is not a valid image reference`;
  const { tag, digest } = parseImage(image);
  if (digest) return undefined;
  if (!tag) return `"${image}" has no tag: pin a version tag or a digest`;
  if (tag === 'latest') return `"${image}" uses the tag latest: pin a version tag or a digest`;
  return undefined;
}

export function checkImage(construct: string, id: string, prop: string, image: string): void {
  const why = unpinnedImage(image);
  check(why === undefined, construct, id, () => `${prop} ${why}`);
}

/** A label value derived from an image: its tag, or the first 12 hex digits of its digest. */
export function imageVersion(image: string): string {
  const { tag, digest } = parseImage(image);
  const version = tag ?? (digest ? digest.replace('sha256:', '').slice(0, 12) : 'unknown');
  return version.slice(0, 63).replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}
