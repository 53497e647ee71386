/** The recommended `app.kubernetes.io/*` labels of one app. */
export interface AppLabels {
  /** Stable labels that selectors use: name and instance only, never the version. */
  readonly selector: Record<string, string>;
  /**
   * Labels of every object of the app: selector labels plus part-of and managed-by. No version: a
   * release then changes only the workload, so its diff is a few lines and no later sync wave
   * (HPA, PDB, Ingress) changes while a paused Rollout holds the sync.
   */
  readonly all: Record<string, string>;
  /** Labels of the object that carries the image and of its pod template: `all` plus `app.kubernetes.io/version`. */
  readonly workload: Record<string, string>;
}

export const VERSION_LABEL = 'app.kubernetes.io/version';

export function appLabels(name: string, version: string, partOf: string): AppLabels {
  const selector = {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/instance': name,
  };
  const all = {
    ...selector,
    'app.kubernetes.io/part-of': partOf,
    'app.kubernetes.io/managed-by': 'cdk8s',
  };
  return { selector, all, workload: { ...selector, [VERSION_LABEL]: version, 'app.kubernetes.io/part-of': partOf, 'app.kubernetes.io/managed-by': 'cdk8s' } };
}
