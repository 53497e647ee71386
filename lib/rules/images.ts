/** Image references: the platform's policy that every image is pinned (a tag other than latest, or a digest). */

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

/** A label value derived from an image: its tag, or the first 12 hex digits of its digest. */
export function imageVersion(image: string): string {
  const { tag, digest } = parseImage(image);
  const version = tag ?? (digest ? digest.replace('sha256:', '').slice(0, 12) : 'unknown');
  return version.slice(0, 63).replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

const DIGEST = /@sha256:[a-f0-9]{64}$/;

/** Whether an image is pinned by digest (`repository:tag@sha256:<64 hex>`), as the pipeline's own step images must be: a tag can be moved to other bytes. */
export function pinnedByDigest(image: string): boolean {
  return DIGEST.test(image);
}
