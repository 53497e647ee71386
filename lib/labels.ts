/** The recommended `app.kubernetes.io/*` labels of one app. */
export interface AppLabels {
  /** Stable labels that selectors use: name and instance only, never the version. */
  readonly selector: Record<string, string>;
  /** Every label: selector labels plus version, part-of and managed-by. */
  readonly all: Record<string, string>;
}

export function appLabels(name: string, version: string, partOf: string): AppLabels {
  const selector = {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/instance': name,
  };
  return {
    selector,
    all: {
      ...selector,
      'app.kubernetes.io/version': version,
      'app.kubernetes.io/part-of': partOf,
      'app.kubernetes.io/managed-by': 'cdk8s',
    },
  };
}

/** True when every label of `selector` is in `labels` (how a Service or PDB selects pods). */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
