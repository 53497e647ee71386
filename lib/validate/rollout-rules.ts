import { selects } from '../rules/labels';
import { duplicateMetricNames, metricLimits, metricProviders, runsIndefinitely, unresolvedArgs } from '../rules/analysis';
import { isZeroCountOrPercent } from '../rules/quantity';
import { describe, Manifest, NamespaceIndex } from './manifest';
import { Problem } from './problem';

/**
 * The Argo Rollouts controller's own validation, applied at synth so that a bad combination fails
 * in a pull request rather than as a degraded Rollout in the cluster.
 */
export function checkRollouts(ns: NamespaceIndex): Problem[] {
  const problems: Problem[] = [];
  for (const m of ns.ofKind('Rollout')) checkRollout(ns, m, problems);
  for (const m of ns.ofKind('AnalysisTemplate')) checkAnalysisTemplate(m, problems);
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
    else if (pods && !selects(svc.doc.spec?.selector, rolloutLabels)) report(path, `Service "${name}" does not select the Rollout's pods`);
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
    checkAnalysisTemplates(ns, bg.prePromotionAnalysis, 'spec.strategy.blueGreen.prePromotionAnalysis', report, 'pre-promotion');
    checkAnalysisTemplates(ns, bg.postPromotionAnalysis, 'spec.strategy.blueGreen.postPromotionAnalysis', report, 'post-promotion');
  }
  const canary = strategy.canary;
  if (canary) {
    for (const s of ['canaryService', 'stableService']) {
      if (canary[s]) owned.add(canary[s]);
    }
    checkCanary(ns, canary, m.doc.metadata?.name ?? '', report, checkService);
  }
  // Any other Service on the same pods would send traffic to both versions at once; a canary without
  // traffic routing is the exception: there that Service splits the traffic by pod count.
  const replicaCountCanary = canary && !canary.trafficRouting;
  if (pods && !replicaCountCanary) {
    for (const other of ns.servicesSelecting(rolloutLabels)) {
      if (!owned.has(other.doc.metadata?.name)) {
        report('spec.strategy', `Service "${other.doc.metadata.name}" also selects the Rollout's pods and would reach both versions at once: make it the active/stable Service or change its selector`);
      }
    }
  }
}

function isZero(v: unknown): boolean {
  return (typeof v === 'number' || typeof v === 'string') && isZeroCountOrPercent(v);
}

function checkCanary(ns: NamespaceIndex, canary: any, rolloutName: string, report: (path: string, message: string) => void, checkService: (path: string, name: string | undefined) => void): void {
  const at = 'spec.strategy.canary';
  if (canary.canaryService && canary.canaryService === canary.stableService) {
    report(`${at}.stableService`, `must differ from canaryService ("${canary.canaryService}"): the controller points each at one version, so two Services are needed`);
  }
  checkService(`${at}.canaryService`, canary.canaryService);
  checkService(`${at}.stableService`, canary.stableService);
  // Argo Rollouts defaults both to 25%, so only explicit zeros stall the rollout.
  if (isZero(canary.maxSurge) && isZero(canary.maxUnavailable)) {
    report(`${at}.maxSurge`, 'maxSurge and maxUnavailable are both 0, so the canary can never be scaled up: make one of them positive, e.g. maxSurge "25%"');
  }
  const routing = canary.trafficRouting;
  if (routing) {
    const missing = ['canaryService', 'stableService'].filter((s) => !canary[s]);
    if (missing.length) report(`${at}.trafficRouting`, `needs both canaryService and stableService, ${missing.join(' and ')} missing: name the Services that reach the canary and the stable pods`);
  }
  (canary.steps ?? []).forEach((step: any, i: number) => {
    // ValidateRolloutStrategyCanary: InvalidSetWeightMessage (maxTrafficWeight defaults to 100).
    const max = routing?.maxTrafficWeight ?? 100;
    if (typeof step?.setWeight === 'number' && (step.setWeight < 0 || step.setWeight > max)) report(`${at}.steps[${i}].setWeight`, `must be between 0 and ${max}, got ${step.setWeight}`);
    if (step?.setCanaryScale !== undefined && !routing) {
      report(`${at}.steps[${i}].setCanaryScale`, 'needs trafficRouting: without it the canary\'s share of the pods is its traffic weight; remove the step or configure trafficRouting');
    }
  });
  const nginx = routing?.nginx;
  if (nginx) {
    const ingresses: { name: string; path: string }[] = [
      ...(nginx.stableIngress ? [{ name: nginx.stableIngress, path: `${at}.trafficRouting.nginx.stableIngress` }] : []),
      ...(nginx.stableIngresses ?? []).map((name: string, i: number) => ({ name, path: `${at}.trafficRouting.nginx.stableIngresses[${i}]` })),
    ];
    if (!ingresses.length) report(`${at}.trafficRouting.nginx`, 'needs stableIngress: the Ingress that routes to the stable Service');
    // ValidateRolloutNginxIngressesConfig: one or the other.
    if (nginx.stableIngress && (nginx.stableIngresses ?? []).length) report(`${at}.trafficRouting.nginx`, 'either stableIngress or stableIngresses must be configured, both are');
    const prefix = nginx.annotationPrefix ?? 'nginx.ingress.kubernetes.io';
    // buildCanaryIngress (rollout/trafficrouting/nginx): keys without the prefix get it and land on the canary Ingress
    // (checked as that Ingress in controller-objects.ts), where the controller's own two overwrite them.
    for (const field of ['additionalIngressAnnotations', 'canaryIngressAnnotations']) {
      for (const k of Object.keys(nginx[field] ?? {})) {
        const full = field === 'additionalIngressAnnotations' && !k.startsWith(prefix) ? `${prefix}/${k}` : k;
        if (full === `${prefix}/canary` || full === `${prefix}/canary-weight`) report(`${at}.trafficRouting.nginx.${field}`, `"${k}" is set by the controller at every step and would be overwritten: remove it`);
      }
    }
    for (const ing of ingresses) {
      const ingress = ns.get('Ingress', ing.name);
      if (!ingress) {
        report(ing.path, `Ingress "${ing.name}" does not exist in this namespace`);
        continue;
      }
      // GetCanaryIngressName: the controller creates <rollout>-<ingress>-canary and refuses to take over one it does not own.
      const canaryName = `${rolloutName}-${ing.name}`.slice(0, 253 - '-canary'.length) + '-canary';
      if (ns.get('Ingress', canaryName)) report(ing.path, `the controller creates the canary Ingress "${canaryName}", but an Ingress of that name is already defined here: rename or remove it`);
      const stableAnnotations = ingress.doc.metadata?.annotations ?? {};
      if (String(stableAnnotations[`${prefix}/canary`]) === 'true') report(ing.path, `Ingress "${ing.name}" is itself marked ${prefix}/canary: "true", so NGINX would have no primary Ingress for its hosts: remove the annotation from the stable Ingress`);
      const backends = (ingress.doc.spec?.rules ?? []).flatMap((r: any) => (r.http?.paths ?? []).map((p: any) => p.backend?.service?.name));
      if (canary.stableService && !backends.includes(canary.stableService)) {
        report(ing.path, `Ingress "${ing.name}" does not route to the stable Service "${canary.stableService}": point a rule's backend at it, or name the Ingress that does`);
      }
    }
  }
  checkAnalysisTemplates(ns, canary.analysis, `${at}.analysis`, report, 'background');
  (canary.steps ?? []).forEach((step: any, i: number) => checkAnalysisTemplates(ns, step?.analysis, `${at}.steps[${i}].analysis`, report, 'step'));
}

type AnalysisType = 'background' | 'step' | 'pre-promotion' | 'post-promotion';

/**
 * One analysis of a Rollout, as ValidateAnalysisTemplatesWithType does it: the templates exist
 * (unless cluster-scoped), NewAnalysisRunFromTemplates succeeds (metric names unique across the
 * templates, args consistent and all resolved) and, outside background analysis, every metric ends
 * (ValidateAnalysisTemplateWithType with Metric.EffectiveCount).
 */
function checkAnalysisTemplates(ns: NamespaceIndex, analysis: any, path: string, report: (path: string, message: string) => void, type: AnalysisType): void {
  if (!analysis) return;
  const found: { name: string; doc: any }[] = [];
  for (const a of analysisRefs(analysis, path)) {
    if (a.cluster) continue;
    const template = ns.get('AnalysisTemplate', a.name);
    if (!template) {
      report(a.path, `AnalysisTemplate "${a.name}" does not exist in this namespace: create it in the Rollout's namespace, or fix templateName`);
      continue;
    }
    found.push({ name: a.name, doc: template.doc });
  }
  const templates = found.map((t) => ({ name: t.name, metrics: t.doc.spec?.metrics ?? [], args: t.doc.spec?.args ?? [] }));
  for (const msg of duplicateMetricNames(templates)) report(`${path}.templates`, msg);
  for (const msg of unresolvedArgs(templates, analysis.args ?? [])) report(`${path}.args`, msg);
  if (type === 'background') return;
  for (const t of templates) {
    for (const metric of t.metrics) {
      if (runsIndefinitely(metric)) {
        report(path, `AnalysisTemplate "${t.name}" has metric "${metric.name}" with an interval and no count, which runs indefinitely: a ${type} analysis would never finish; give it a count, or run the template as background analysis (canary only)`);
      }
    }
  }
}

/** ValidateMetrics (utils/analysis/factory.go) over one AnalysisTemplate: unique names and consistent limits. */
function checkAnalysisTemplate(m: Manifest, problems: Problem[]): void {
  const seen = new Set<string>();
  (m.doc.spec?.metrics ?? []).forEach((metric: any, i: number) => {
    const at = `spec.metrics[${i}]`;
    if (seen.has(metric?.name)) problems.push({ object: describe(m), path: `${at}.name`, message: `duplicate metric name "${metric.name}"` });
    seen.add(metric?.name);
    for (const [field, message] of metricLimits(metric ?? {})) problems.push({ object: describe(m), path: `${at}.${field}`, message: `metric "${metric?.name}": ${message}` });
    for (const message of metricProviders(metric?.provider)) problems.push({ object: describe(m), path: `${at}.provider`, message: `metric "${metric?.name}": ${message}` });
  });
}
