/** Label selection as the API server and controllers do it. */

/** True when every label of `selector` is in `labels` (how a Service or PDB selects pods). */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
