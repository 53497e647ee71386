/**
 * The security contexts of the Pod Security Standard "restricted", written once for every pod the
 * platform generates (apps and pipeline steps alike). The gate's policy checks the same fields
 * (lib/validate/policy.ts), after pod-security-admission's `policy/check_*.go` (runAsNonRoot,
 * allowPrivilegeEscalation, capabilities, seccompProfile).
 */

/** A container that runs as non-root, cannot gain privileges and holds no capability. */
export function restrictedContainer(options: { readonly readOnlyRootFilesystem?: boolean } = {}) {
  return {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: options.readOnlyRootFilesystem ?? true,
    capabilities: { drop: ['ALL'] },
  };
}

/** A pod whose containers run as `user` (user, group and volume group) under the runtime's seccomp profile. */
export function restrictedPod(user: number) {
  return {
    runAsNonRoot: true,
    runAsUser: user,
    runAsGroup: user,
    fsGroup: user,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
