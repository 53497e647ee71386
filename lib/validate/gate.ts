import { checkAnalysisScrape } from './analysis-scrape';
import { remembered } from './answers';
import { checkApiRules } from './api-rules';
import { checkControllerObjects } from './controller-objects';
import { checkExternalSecret, checkSecretSources, clusterStoresOf } from './external-secrets';
import { lintWorkflowTemplates } from './workflow-lint';
import { byCluster, checkFolders, folderClusters, FolderTarget } from './folders';
import { describe, indexByNamespace, Manifest } from './manifest';
import { checkPolicy } from './policy';
import { formatProblem, Problem } from './problem';
import { checkDuplicates, checkReferences, checkRoutes } from './references';
import { checkRollouts } from './rollout-rules';
import { checkGatewayPlugin } from './route-plugin';
import { checkGatewayRoutes, checkRouteDefaults } from './routes';
import { isNamespaced, validateSchema } from './schema';
import { checkWorkflowServiceAccounts } from './workflow-identities';

/** The checks of one object by itself: schema and CEL rules, API rules, namespace, labels, policy. */
function objectProblems(m: Manifest, policy: boolean): Problem[] {
  const schema = validateSchema(m.doc, describe(m));
  return [...schema, ...inShape(schema.length > 0, () => ruleProblems(m, policy))];
}

/** The checks that read an object in its schema's shape. */
function ruleProblems(m: Manifest, policy: boolean): Problem[] {
  const problems: Problem[] = [];
  problems.push(...checkApiRules(m));
  const namespaced = isNamespaced(m.doc.apiVersion, m.doc.kind);
  if (namespaced && !m.doc.metadata?.namespace) problems.push({ object: describe(m), path: 'metadata.namespace', message: 'namespaced objects need an explicit namespace' });
  for (const at of hashLabelPaths(m.doc)) {
    problems.push({ object: describe(m), path: at, message: 'only the Rollouts controller sets this label (it adds it to the pods and Service selectors it manages): use the stable app labels' });
  }
  if (policy) problems.push(...checkPolicy(m), ...checkRouteDefaults(m));
  problems.push(...checkExternalSecret(m, policy));
  return problems;
}

/**
 * Runs checks that read objects in their schemas' shape. Where problems already refuse an object
 * (`refused`: its schema, for one object; any object's own checks, for the checks across objects),
 * a check that trips over a misshapen value (a TypeError) adds nothing: those problems say what to
 * fix first. Anywhere else its error is the gate's fault, and surfaces.
 */
export function inShape(refused: boolean, check: () => Problem[]): Problem[] {
  try {
    return check();
  } catch (e) {
    if (refused && e instanceof TypeError) return [];
    throw e;
  }
}

/** Thrown when the validation gate finds problems; nothing has been written. */
export class ValidationError extends Error {
  constructor(public readonly problems: Problem[]) {
    super(`validation failed with ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`);
    this.name = 'ValidationError';
  }
}

export interface GateOptions {
  /**
   * Apply the security and operability policy.
   * @default true
   */
  readonly policy?: boolean;
  /**
   * The cluster (API server URL) of each folder, the namespace it owns and the secret stores its
   * cluster provides, as the constructs declare them (environments); an Argo CD Application in the
   * output that syncs the folder takes precedence for the cluster. When given, every store an
   * ExternalSecret names must be declared for its folder or be in the output.
   * @default Argo CD's own cluster for folders that no Application syncs
   */
  readonly folders?: ReadonlyMap<string, FolderTarget>;
}

const HASH_LABEL = 'rollouts-pod-template-hash';

/** Where labels and selectors of an object carry the Rollouts controller's own hash label. */
function hashLabelPaths(doc: any): string[] {
  const places: [string, any][] = [
    ['metadata.labels', doc.metadata?.labels],
    ['spec.selector', doc.spec?.selector],
    ['spec.selector.matchLabels', doc.spec?.selector?.matchLabels],
    ['spec.template.metadata.labels', doc.spec?.template?.metadata?.labels],
  ];
  return places.filter(([, labels]) => labels && typeof labels === 'object' && HASH_LABEL in labels).map(([at]) => `${at}.${HASH_LABEL}`);
}

/**
 * The validation gate: every synthesized object against its schema (unknown fields rejected), the
 * references between objects, the Argo Rollouts controller rules, the Argo Workflows lint rules,
 * the objects controllers create from them (controller-objects.ts) and the security policy. Returns every problem; an empty list means the objects may be written.
 */
export function validateManifests(manifests: Manifest[], options: GateOptions = {}): Problem[] {
  const problems: Problem[] = [];
  const policy = options.policy ?? true;
  // Each object's own checks depend on nothing but the object (and the policy switch): kept between synths (answers.ts).
  for (const m of manifests) problems.push(...remembered(`object\0${policy}\0${m.file}`, m.doc, () => objectProblems(m, policy)));
  problems.push(...inShape(problems.length > 0, () => acrossObjects(manifests, options)));
  return problems;
}

/** The checks across objects: folders, names and references per cluster and namespace, the pipeline's templates. */
function acrossObjects(manifests: Manifest[], options: GateOptions): Problem[] {
  const problems: Problem[] = [];
  // Namespaces of different clusters are different namespaces: names and references hold per cluster.
  problems.push(...checkFolders(manifests, options.folders));
  const known = options.folders;
  // Stores are checked when the folders are told (PlatformApp tells every environment's); a folder not told declares none.
  const declared = known ? (folder: string) => known.get(folder)?.secretStores ?? [] : undefined;
  const { clusters, applications } = folderClusters(manifests, options.folders);
  for (const cluster of byCluster(manifests, clusters)) {
    problems.push(...checkDuplicates(cluster));
    const namespaces = indexByNamespace(cluster);
    problems.push(...checkGatewayRoutes(namespaces, options.folders));
    problems.push(...checkGatewayPlugin(namespaces, applications));
    const clusterStores = clusterStoresOf(cluster);
    for (const ns of namespaces.values()) {
      problems.push(...checkSecretSources(ns, { declared, clusterStores }));
      problems.push(...checkReferences(ns));
      problems.push(...checkRoutes(ns));
      problems.push(...checkRollouts(ns));
      problems.push(...checkAnalysisScrape(ns));
      problems.push(...checkControllerObjects(ns));
    }
  }
  const workflows = manifests.filter((m) => m.doc.kind === 'WorkflowTemplate').map((m) => m.doc);
  if (workflows.length) problems.push(...remembered('workflow-lint', workflows, () => lintWorkflowTemplates(workflows)));
  problems.push(...checkWorkflowServiceAccounts(manifests));
  return problems;
}
