/**
 * The platform's reviewed exceptions to its own policy: an annotation whose key names the rule and
 * whose value gives the reason, written by a construct (PolicyException, PipelineTemplate) and read
 * by the validation gate, which accepts exactly what the annotation records.
 */

/** Annotation prefix on a pod template that records an explicit, reviewed exception to a policy rule. */
export const EXEMPTION_PREFIX = 'exempt.policy.platform/';

/** The policy rules of the validation gate that an app may relax, one at a time, with a reason. */
export enum PolicyRule {
  /** Containers run with `readOnlyRootFilesystem: true`. */
  READ_ONLY_ROOT_FILESYSTEM = 'read-only-root-filesystem',
  /** Serving containers have a readiness probe. */
  READINESS_PROBE = 'readiness-probe',
  /** Containers set a CPU limit. */
  CPU_LIMIT = 'cpu-limit',
}

/**
 * Annotation of a WorkflowTemplate whose value lists the tag-only images it may use, then a colon
 * and the reason: an explicit, reviewed exception to the digest rule, visible in `dist/`.
 */
export const IMAGE_DIGEST_EXEMPTION = `${EXEMPTION_PREFIX}image-digest`;
