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

/**
 * Annotation of a WorkflowTemplate that declares what the Argo Workflows controller of its
 * namespace enforces: `Secure` or `Strict`, the `workflowRestrictions.templateReferencing` of the
 * workflow-controller ConfigMap (argo-workflows docs/workflow-restrictions.md). Only then may a
 * submitter do no more than run the reviewed templates with their parameters; without it, whoever
 * may create a Workflow there may run any pod with any Secret or ServiceAccount of the namespace
 * (argo-workflows docs/security.md, "User Permissions").
 */
export const TEMPLATE_REFERENCING_ANNOTATION = 'policy.platform/controller-template-referencing';
/** The controller settings that restrict submitters to the reviewed templates. */
export const RESTRICTING_TEMPLATE_REFERENCING = ['Secure', 'Strict'] as const;
/**
 * Annotation of a WorkflowTemplate whose value gives the reason why its namespace runs without the
 * controller's restriction: an explicit, reviewed exception, visible in `dist/`.
 */
export const TEMPLATE_REFERENCING_EXEMPTION = `${EXEMPTION_PREFIX}template-referencing`;
/**
 * Annotation of a WorkflowTemplate whose value lists the expressions (`{{...}}`) that may stand in
 * a field the gate keeps constant (image, service account, Secret name, pod spec patch, a script's
 * source, a container's command or args), then a colon and the reason.
 */
export const WORKFLOW_EXPRESSION_EXEMPTION = `${EXEMPTION_PREFIX}workflow-expression`;
