/** Label selection as the API server and controllers do it. */

/** True when every label of `selector` is in `labels` (how a Service or PDB selects pods). */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/**
 * A metav1.LabelSelector (matchLabels and matchExpressions with In, NotIn, Exists, DoesNotExist)
 * against labels, as apimachinery's LabelSelectorAsSelector evaluates it: an empty selector
 * selects everything, an absent one nothing, an unknown operator nothing.
 */
export function labelSelectorMatches(selector: any, labels: Record<string, string>): boolean {
  if (!selector || typeof selector !== 'object') return false;
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return byLabel && (selector.matchExpressions ?? []).every((e: any) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e?.key);
    const values: string[] = e?.values ?? [];
    switch (e?.operator) {
      case 'In': return has && values.includes(labels[e.key]);
      case 'NotIn': return !has || !values.includes(labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: return false;
    }
  });
}
