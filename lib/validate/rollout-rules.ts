import { selects } from '../labels';
import { describe, Manifest, NamespaceIndex } from './manifest';
import { Problem } from './problem';

const HASH_LABEL = 'rollouts-pod-template-hash';

/**
 * The Argo Rollouts controller's own validation, applied at synth so that a bad combination fails
 * in a pull request rather than as a degraded Rollout in the cluster.
 */
export function checkRollouts(ns: NamespaceIndex): Problem[] {
  const problems: Problem[] = [];
  for (const m of ns.ofKind('Rollout')) checkRollout(ns, m, problems);
  for (const m of ns.ofKind('Service')) {
    if (m.doc.spec?.selector?.[HASH_LABEL] !== undefined) {
      problems.push({ object: describe(m), path: `spec.selector.${HASH_LABEL}`, message: 'the Rollouts controller injects this label itself: select on the stable app labels only' });
    }
  }
  return problems;
}

function analysisRefs(analysis: any, path: string): { name: string; path: string; cluster: boolean }[] {
  return (analysis?.templates ?? []).map((t: any, i: number) => ({ name: t.templateName, path: `${path}.templates[${i}]`, cluster: !!t.clusterScope }));
}

function checkRollout(ns: NamespaceIndex, m: Manifest, problems: Problem[]): void {
  const report = (path: string, message: string) => problems.push({ object: describe(m), path, message });
  const spec = m.doc.spec ?? {};
  const strategy = spec.strategy ?? {};
  const strategies = ['blueGreen', 'canary'].filter((s) => strategy[s] !== undefined);
  if (strategies.length !== 1) report('spec.strategy', `exactly one of blueGreen or canary is required, got ${strategies.length ? strategies.join(' and ') : 'none'}`);

  const ref = spec.workloadRef;
  if (ref) {
    if (spec.template !== undefined) report('spec.template', 'must be empty when workloadRef is set: the pod template lives in the referenced Deployment');
    const target = ns.get(ref.kind ?? '', ref.name);
    if (ref.kind !== 'Deployment' || ref.apiVersion !== 'apps/v1') report('spec.workloadRef', 'must reference an apps/v1 Deployment');
    else if (!target) report('spec.workloadRef.name', `Deployment "${ref.name}" does not exist in this namespace`);
    else {
      const replicas = target.doc.spec?.replicas;
      if (replicas !== 0 && ref.scaleDown === undefined) {
        report('spec.workloadRef', `Deployment "${ref.name}" runs ${replicas ?? 'the default 1'} replica(s) of its own beside the Rollout's: set its replicas to 0`);
      }
    }
  } else if (!spec.template) {
    report('spec.template', 'a Rollout needs a pod template or a workloadRef');
  }

  const pods = ns.rolloutPods(m);
  const selector = spec.selector?.matchLabels;
  if (pods && !selects(selector, pods.labels)) report('spec.selector', 'does not select the labels of the pod template');

  const rolloutLabels = pods?.labels ?? {};
  const checkService = (path: string, name: string | undefined) => {
    if (!name) return;
    const svc = ns.get('Service', name);
    if (!svc) report(path, `Service "${name}" does not exist in this namespace`);
    else if (!selects(svc.doc.spec?.selector, rolloutLabels)) report(path, `Service "${name}" does not select the Rollout's pods`);
  };
  const owned = new Set<string>();
  const bg = strategy.blueGreen;
  if (bg) {
    if (bg.activeService === bg.previewService) report('spec.strategy.blueGreen.previewService', `must differ from activeService ("${bg.activeService}")`);
    checkService('spec.strategy.blueGreen.activeService', bg.activeService);
    checkService('spec.strategy.blueGreen.previewService', bg.previewService);
    if (bg.autoPromotionSeconds !== undefined && bg.autoPromotionEnabled === false) {
      report('spec.strategy.blueGreen.autoPromotionSeconds', 'is refused while autoPromotionEnabled is false: a person promotes, so remove it or enable auto promotion');
    }
    owned.add(bg.activeService).add(bg.previewService);
    for (const a of [...analysisRefs(bg.prePromotionAnalysis, 'spec.strategy.blueGreen.prePromotionAnalysis'), ...analysisRefs(bg.postPromotionAnalysis, 'spec.strategy.blueGreen.postPromotionAnalysis')]) {
      if (!a.cluster && !ns.get('AnalysisTemplate', a.name)) report(a.path, `AnalysisTemplate "${a.name}" does not exist in this namespace`);
    }
  }
  const canary = strategy.canary;
  if (canary) {
    for (const s of ['canaryService', 'stableService']) {
      if (canary[s]) owned.add(canary[s]);
    }
  }
  // Any other Service on the same pods would send traffic to both versions at once.
  if (pods) {
    for (const other of ns.servicesSelecting(rolloutLabels)) {
      if (!owned.has(other.doc.metadata?.name)) {
        report('spec.strategy', `Service "${other.doc.metadata.name}" also selects the Rollout's pods and would reach both versions at once: make it the active/stable Service or change its selector`);
      }
    }
  }
}
