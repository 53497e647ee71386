import { checkApiRules } from './api-rules';
import * as field from './field-path';
import { describe, Manifest, NamespaceIndex } from './manifest';
import { Problem } from './problem';
import { validateSchema } from './schema';
import { isObject } from '../util';

/**
 * Objects that controllers create at run time from what the platform writes: the API server judges
 * them after Argo CD has reported Synced, so a bad one only shows as a workflow or a release that
 * hangs. Each is built here as its controller builds it (the upstream function is named beside each
 * builder) and checked like any written object, with its kind's schema and API-server rules; a
 * problem names the object written and the field of it that the created object comes from.
 */
export interface ControllerObject {
  /** What the platform wrote; problems name it. */
  readonly source: Manifest;
  /** The object as the controller builds it; undefined when the controller refuses to build it. */
  readonly doc: any;
  /** Why the controller refuses to build it, in its words. */
  readonly refused?: string;
  /** Who builds it and how, as a verb phrase: `the workflow controller creates (createPVCs)`; who refuses, when it does. */
  readonly builder: string;
  /** The field of the source that a field of the object comes from. */
  readonly at: (path: string) => string;
}

type Builder = (m: Manifest, ns: NamespaceIndex) => ControllerObject[];

/**
 * The API server's name generator (apiserver/pkg/storage/names SimpleNameGenerator): the
 * generateName base cut to 58 characters and 5 random ones from "bcdfghjklmnpqrstvwxz2456789".
 */
export function generatedName(base: string): string {
  return `${base.slice(0, 58)}xxxxx`;
}

/** Where Argo Workflows kinds keep their WorkflowSpec, and the name of the Workflow each one runs as. */
const WORKFLOWS: Record<string, { spec: string; name: (meta: any) => string }> = {
  // `argo submit --from workflowtemplate/<name>`: util/common NewWorkflowFromWorkflowTemplate sets generateName "<name>-".
  WorkflowTemplate: { spec: 'spec', name: (meta) => generatedName(`${meta.name}-`) },
  ClusterWorkflowTemplate: { spec: 'spec', name: (meta) => generatedName(`${meta.name}-`) },
  Workflow: { spec: 'spec', name: (meta) => meta.name ?? generatedName(String(meta.generateName ?? '')) },
  // workflow/cron/operator.go getChildWorkflowName: "<cron>-<scheduled unix time>".
  CronWorkflow: { spec: 'spec.workflowSpec', name: (meta) => `${meta.name}-1700000000` },
};

/**
 * Argo Workflows v4.1.2 workflow/controller/operator.go `createPVCs`: each of `volumeClaimTemplates`
 * becomes a PersistentVolumeClaim named `<workflow>-<template name>`, labelled with the workflow.
 */
function workflowClaims(m: Manifest): ControllerObject[] {
  const kind = WORKFLOWS[m.doc.kind];
  const meta = isObject(m.doc.metadata) ? m.doc.metadata : {};
  const spec = kind.spec.split('.').reduce((o: any, k) => o?.[k], m.doc);
  const claims = Array.isArray(spec?.volumeClaimTemplates) ? spec.volumeClaimTemplates : [];
  const workflow = kind.name(meta);
  return claims.flatMap((t: any, i: number) => {
    const base = field.index(`${kind.spec}.volumeClaimTemplates`, i);
    if (!isObject(t)) return [];
    const name = t.metadata?.name;
    if (typeof name !== 'string' || name === '') {
      // The controller's own refusal (CodeBadRequest), before it creates anything.
      return [{ source: m, doc: undefined, refused: `volumeClaimTemplates[${i}].metadata.name is required`, builder: 'the workflow controller (createPVCs)', at: () => field.child(base, 'metadata', 'name') }];
    }
    const labels = { ...(isObject(t.metadata?.labels) ? t.metadata.labels : {}), 'workflows.argoproj.io/workflow': workflow };
    const doc = {
      apiVersion: 'v1', kind: 'PersistentVolumeClaim',
      metadata: { ...t.metadata, name: `${workflow}-${name}`, ...(meta.namespace ? { namespace: meta.namespace } : {}), labels },
      ...(t.spec !== undefined ? { spec: t.spec } : {}),
    };
    return [{ source: m, doc, builder: 'the workflow controller creates (createPVCs)', at: (path: string) => (path ? `${base}.${path}` : base) }];
  });
}

/**
 * Argo Rollouts v1.9.1 rollout/trafficrouting/nginx `buildCanaryIngress`: for each stable Ingress, an
 * Ingress named by utils/ingress `GetCanaryIngressName` with the stable Ingress's TLS, class and
 * `kubernetes.io/ingress.class`, the rules that route to the stable Service pointed at the canary
 * Service, the additional annotations (prefixed), the canary Ingress annotations, and the
 * controller's `canary`, `canary-weight` (0 when created) and `canary-weight-total`.
 */
function canaryIngresses(m: Manifest, ns: NamespaceIndex): ControllerObject[] {
  const canary = m.doc.spec?.strategy?.canary;
  const nginx = canary?.trafficRouting?.nginx;
  if (!isObject(nginx)) return [];
  const at = 'spec.strategy.canary.trafficRouting.nginx';
  const stable: { name: string; path: string }[] = [
    ...(typeof nginx.stableIngress === 'string' ? [{ name: nginx.stableIngress, path: `${at}.stableIngress` }] : []),
    ...(Array.isArray(nginx.stableIngresses) ? nginx.stableIngresses : []).map((name: string, i: number) => ({ name, path: `${at}.stableIngresses[${i}]` })),
  ];
  const prefix = nginx.annotationPrefix ?? 'nginx.ingress.kubernetes.io';
  const additional = Object.entries(isObject(nginx.additionalIngressAnnotations) ? nginx.additionalIngressAnnotations : {})
    .map(([k, v]) => [k.startsWith(prefix) ? k : `${prefix}/${k}`, v] as const);
  const own = Object.entries(isObject(nginx.canaryIngressAnnotations) ? nginx.canaryIngressAnnotations : {});
  // Which Rollout field wrote an annotation of the canary Ingress.
  const annotationSource = (path: string): string | undefined => {
    const is = (k: string) => path === `metadata.annotations.${k}` || path === `metadata.annotations[${JSON.stringify(k)}]`;
    if (own.some(([k]) => is(k))) return `${at}.canaryIngressAnnotations`;
    if (additional.some(([k]) => is(k))) return `${at}.additionalIngressAnnotations`;
    // The class annotation comes from the stable Ingress, the rest of the annotations from the Rollout.
    return path.startsWith('metadata.annotations') && !is('kubernetes.io/ingress.class') ? at : undefined;
  };
  return stable.flatMap(({ name, path }) => {
    const ingress = ns.get('Ingress', name);
    const spec = ingress?.doc.spec;
    if (!isObject(spec)) return [];
    const rules = (Array.isArray(spec.rules) ? spec.rules : []).filter((r: any) => Array.isArray(r?.http?.paths)
      && r.http.paths.some((p: any) => p?.backend?.service?.name === canary.stableService))
      .map((r: any) => ({ ...r, http: { ...r.http, paths: r.http.paths.map((p: any) => (p?.backend?.service?.name === canary.stableService ? { ...p, backend: { ...p.backend, service: { ...p.backend.service, name: canary.canaryService } } } : p)) } }));
    // Without such a rule the controller refuses ("ingress ... has no rules using service ... backend"), reported by checkRollouts.
    if (rules.length === 0) return [];
    const stableClass = ingress!.doc.metadata?.annotations?.['kubernetes.io/ingress.class'];
    const annotations: Record<string, unknown> = {
      ...(stableClass !== undefined ? { 'kubernetes.io/ingress.class': stableClass } : {}),
      ...Object.fromEntries(additional), ...Object.fromEntries(own),
      [`${prefix}/canary`]: 'true', [`${prefix}/canary-weight`]: '0',
      ...(canary.trafficRouting.maxTrafficWeight !== undefined ? { [`${prefix}/canary-weight-total`]: String(canary.trafficRouting.maxTrafficWeight) } : {}),
    };
    // GetCanaryIngressName: "<rollout>-<ingress>", cut to fit 253 characters with "-canary".
    const canaryName = `${`${m.doc.metadata?.name}-${name}`.slice(0, 253 - '-canary'.length)}-canary`;
    const doc = {
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
      metadata: { name: canaryName, ...(m.doc.metadata?.namespace ? { namespace: m.doc.metadata.namespace } : {}), annotations },
      spec: { ...(spec.ingressClassName !== undefined ? { ingressClassName: spec.ingressClassName } : {}), ...(spec.tls !== undefined ? { tls: spec.tls } : {}), rules },
    };
    return [{ source: m, doc, builder: `the Rollouts controller creates from Ingress "${name}" (buildCanaryIngress)`, at: (p: string) => annotationSource(p) ?? path }];
  });
}

const BUILDERS: Record<string, Builder> = {
  WorkflowTemplate: workflowClaims, ClusterWorkflowTemplate: workflowClaims, Workflow: workflowClaims, CronWorkflow: workflowClaims,
  Rollout: canaryIngresses,
};

/** The objects controllers create from the objects of one namespace. */
export function controllerObjects(ns: NamespaceIndex): ControllerObject[] {
  return [...ns.objects.values()].flatMap((m) => (isObject(m.doc) && BUILDERS[m.doc.kind] ? BUILDERS[m.doc.kind](m, ns) : []));
}

/** Each controller-made object of a namespace against its kind's schema and API-server rules. */
export function checkControllerObjects(ns: NamespaceIndex): Problem[] {
  const problems: Problem[] = [];
  for (const o of controllerObjects(ns)) {
    const object = describe(o.source);
    if (o.doc === undefined) {
      problems.push({ object, path: o.at(''), message: `${o.builder} refuses the workflow: ${o.refused}` });
      continue;
    }
    const what = `the ${o.doc.kind} "${o.doc.metadata.name}" that ${o.builder}`;
    const found = [...validateSchema(o.doc, what), ...checkApiRules({ file: o.source.file, doc: o.doc })];
    for (const p of found) problems.push({ object, path: o.at(p.path), message: `${what}: ${p.path ? `${p.path}: ` : ''}${p.message}` });
  }
  return problems;
}
