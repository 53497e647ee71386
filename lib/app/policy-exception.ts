import { EXEMPTION_PREFIX, PolicyRule } from '../rules/exemptions';

export { EXEMPTION_PREFIX, PolicyRule } from '../rules/exemptions';

/**
 * An explicit opt-out of one policy rule. A JavaApp acts on it (it writes no CPU limit, no readiness
 * probe, a writable root filesystem) and records it in `dist/` as an annotation carrying the reason,
 * so that a reviewer sees every exception in the pull request and the gate accepts exactly that.
 */
export class PolicyException {
  /** The app writes to its root filesystem (e.g. a library that unpacks into its own folder). */
  public static writableRootFilesystem(reason: string): PolicyException {
    return new PolicyException(PolicyRule.READ_ONLY_ROOT_FILESYSTEM, reason);
  }

  /** The app serves no traffic that needs a readiness gate (e.g. a queue consumer): no readiness probe is written. */
  public static noReadinessProbe(reason: string): PolicyException {
    return new PolicyException(PolicyRule.READINESS_PROBE, reason);
  }

  /** The app runs without a CPU limit (latency-sensitive JVMs that must not be throttled): none is written. */
  public static noCpuLimit(reason: string): PolicyException {
    return new PolicyException(PolicyRule.CPU_LIMIT, reason);
  }

  private constructor(public readonly rule: PolicyRule, public readonly reason: string) {}

  /** The annotation that records this exception on the pod template. */
  public get annotation(): [string, string] {
    return [`${EXEMPTION_PREFIX}${this.rule}`, this.reason];
  }
}
