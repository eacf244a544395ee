#!/usr/bin/env node
// Offline check of deploy/k8s (no cluster, no network): every manifest parses, has the fields its kind
// requires, and the pieces fit together — selectors match pod labels, probes and Service ports name
// real container ports and real app routes, envFrom/HPA/PDB point at objects that exist, every
// ConfigMap/Secret key is a variable the app validates. Exits 1 listing every problem.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';

const dir = join(import.meta.dirname, '..', 'deploy', 'k8s');
const problems = [];
const docs = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
  try {
    for (const doc of loadAll(readFileSync(join(dir, file), 'utf8')))
      if (doc) docs.push({ file, doc });
  } catch (err) {
    problems.push(`${file}: does not parse: ${err.message}`);
  }
}

const KINDS = {
  ConfigMap: 'v1',
  Secret: 'v1',
  Service: 'v1',
  Deployment: 'apps/v1',
  Job: 'batch/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
  PodDisruptionBudget: 'policy/v1',
  Kustomization: 'kustomize.config.k8s.io/v1beta1',
};
const ROUTES = ['/health/live', '/health/ready', '/health/status', '/metrics'];
const envExample = readFileSync(join(import.meta.dirname, '..', '.env.example'), 'utf8');
const KNOWN_VARS = new Set([...envExample.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));

const byKind = (kind) => docs.filter((d) => d.doc.kind === kind);
const find = (kind, name) => byKind(kind).find((d) => d.doc.metadata?.name === name);
const matches = (selector, labels) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v) &&
  Object.keys(selector ?? {}).length > 0;

for (const { file, doc } of docs) {
  const where = `${file} ${doc.kind}/${doc.metadata?.name ?? '?'}`;
  if (!(doc.kind in KINDS)) problems.push(`${where}: unknown kind`);
  else if (doc.apiVersion !== KINDS[doc.kind])
    problems.push(`${where}: apiVersion ${doc.apiVersion}, expected ${KINDS[doc.kind]}`);
  if (doc.kind !== 'Kustomization' && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(doc.metadata?.name ?? ''))
    problems.push(`${where}: metadata.name missing or not a DNS label`);
  if (doc.kind === 'ConfigMap' || doc.kind === 'Secret') {
    const data = doc.kind === 'Secret' ? { ...doc.data, ...doc.stringData } : doc.data;
    for (const [k, v] of Object.entries(data ?? {})) {
      if (!KNOWN_VARS.has(k)) problems.push(`${where}: ${k} is not a variable the app reads`);
      if (typeof v !== 'string') problems.push(`${where}: ${k} must be a string`);
    }
  }
  const pod = doc.kind === 'Deployment' || doc.kind === 'Job' ? doc.spec?.template : undefined;
  if (pod) {
    if (doc.kind === 'Deployment' && !matches(doc.spec.selector?.matchLabels, pod.metadata?.labels))
      problems.push(`${where}: selector does not match the pod template labels`);
    for (const c of pod.spec?.containers ?? []) {
      if (!c.image) problems.push(`${where}: container ${c.name} has no image`);
      const ports = new Set((c.ports ?? []).flatMap((p) => [p.name, p.containerPort]));
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        const get = c[probe]?.httpGet;
        if (!get) continue;
        if (!ROUTES.includes(get.path)) problems.push(`${where}: ${probe} path ${get.path} is no app route`);
        if (!ports.has(get.port)) problems.push(`${where}: ${probe} port ${get.port} is not a container port`);
      }
      if (doc.kind === 'Deployment' && (!c.readinessProbe || !c.livenessProbe))
        problems.push(`${where}: container ${c.name} needs liveness and readiness probes`);
      for (const ref of c.envFrom ?? []) {
        const kind = ref.configMapRef ? 'ConfigMap' : 'Secret';
        const name = (ref.configMapRef ?? ref.secretRef)?.name;
        if (!find(kind, name)) problems.push(`${where}: envFrom ${kind} ${name} does not exist`);
      }
      if (!c.resources?.limits?.memory) problems.push(`${where}: container ${c.name} has no memory limit`);
    }
  }
  if (doc.kind === 'Service') {
    const targets = byKind('Deployment').filter((d) =>
      matches(doc.spec?.selector, d.doc.spec?.template?.metadata?.labels),
    );
    if (targets.length === 0) problems.push(`${where}: selector matches no Deployment`);
    for (const p of doc.spec?.ports ?? [])
      for (const t of targets) {
        const names = t.doc.spec.template.spec.containers.flatMap((c) =>
          (c.ports ?? []).flatMap((x) => [x.name, x.containerPort]),
        );
        if (!names.includes(p.targetPort)) problems.push(`${where}: targetPort ${p.targetPort} not on ${t.doc.metadata.name}`);
      }
  }
  if (doc.kind === 'HorizontalPodAutoscaler') {
    const ref = doc.spec?.scaleTargetRef;
    if (!find(ref?.kind, ref?.name)) problems.push(`${where}: scaleTargetRef ${ref?.kind}/${ref?.name} does not exist`);
    if (!(doc.spec?.minReplicas >= 2)) problems.push(`${where}: minReplicas below 2 (no redundancy)`);
  }
  if (doc.kind === 'PodDisruptionBudget') {
    const ok = byKind('Deployment').some((d) => matches(doc.spec?.selector?.matchLabels, d.doc.spec?.template?.metadata?.labels));
    if (!ok) problems.push(`${where}: selector matches no Deployment`);
  }
  if (doc.kind === 'Kustomization')
    for (const r of doc.resources ?? [])
      if (!docs.some((d) => d.file === r)) problems.push(`${where}: resource ${r} is missing`);
}

if (problems.length > 0) {
  console.error(`deploy/k8s: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`deploy/k8s: ${docs.length} manifests OK`);
