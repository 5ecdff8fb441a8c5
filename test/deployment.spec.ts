import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { parse, parseAllDocuments } from 'yaml';
import { createTestDatabase, type TestDatabase } from '#libs/testing';
import { freePort } from '#libs/testing';

/**
 * The deployment files against their published schemas (Kubernetes' OpenAPI models, the Compose
 * specification), and against the services themselves: every probe and healthcheck names a port
 * the container listens on and a path that service answers 200 once started.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BASE = join(ROOT, 'deploy/k8s/base');

/** Manifests are untyped YAML until validated. */
type Manifest = Record<string, any>;

const MODELS: Record<string, { validate(): void } & (new (data: Manifest) => { validate(): void })> = {
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
} as never;

/** What `kustomize build` does with this base: concatenate the resources, apply the image override. */
function kustomize(): Manifest[] {
  const kustomization = parse(readFileSync(join(BASE, 'kustomization.yaml'), 'utf8')) as Manifest;
  const images = new Map<string, string>((kustomization.images ?? []).map((i: Manifest) => [i.name, `${i.newName ?? i.name}:${i.newTag ?? 'latest'}`]));
  const objects = (kustomization.resources as string[]).flatMap((file) =>
    parseAllDocuments(readFileSync(join(BASE, file), 'utf8')).map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
      return doc.toJS() as Manifest;
    }),
  );
  for (const o of objects) {
    const spec = o.kind === 'Job' || o.kind === 'Deployment' ? o.spec.template.spec : undefined;
    for (const c of spec?.containers ?? []) c.image = images.get(c.image) ?? c.image;
  }
  return objects;
}

/** What a kubelet's gRPC probe asks: Health/Check for `service`, retried until SERVING or 30 s. */
async function grpcHealth(port: number, service: string): Promise<string> {
  const definition = protoLoader.loadSync(healthProtoPath, { keepCase: true, enums: String });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as { grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } } };
  const client = new loaded.grpc.health.v1.Health(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
    Check(request: { service: string }, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, response?: { status: string }) => void): void;
  };
  try {
    const deadline = Date.now() + 30_000;
    let status = '';
    while (status !== 'SERVING' && Date.now() < deadline) {
      status = await new Promise<string>((resolve) =>
        client.Check({ service }, { deadline: Date.now() + 2_000 }, (error, response) => resolve(error ? grpc.status[error.code] : (response?.status ?? ''))),
      );
      if (status !== 'SERVING') await new Promise((r) => setTimeout(r, 200));
    }
    return status;
  } finally {
    client.close();
  }
}


const manifests = kustomize();
const deployments = manifests.filter((m) => m.kind === 'Deployment');
const envOf = (container: Manifest, name: string): string | undefined => container.env?.find((e: Manifest) => e.name === name)?.value;

describe('Kubernetes manifests (deploy/k8s/base)', () => {
  it.each(manifests.map((m) => [`${m.kind} ${m.metadata?.name}`, m]))('%s is valid against the Kubernetes schema', (_name, manifest) => {
    const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
    expect(Model).toBeDefined();
    expect(() => new Model!(manifest).validate()).not.toThrow();
  });

  it('the schema catches mistakes', () => {
    const broken = structuredClone(deployments[0]!);
    broken.spec.replicas = 'two';
    expect(() => new Deployment(broken).validate()).toThrow(/replicas/);
  });

  it('has a Deployment, Service, PodDisruptionBudget and HPA per service, and the migration Job', () => {
    const names = (kind: string) => manifests.filter((m) => m.kind === kind).map((m) => m.metadata.name).sort();
    const services = ['inventory-service', 'notification-service', 'order-service', 'payment-service'];
    expect(names('Deployment')).toEqual(services);
    expect(names('Service')).toEqual(services);
    expect(names('PodDisruptionBudget')).toEqual(services);
    expect(names('HorizontalPodAutoscaler')).toEqual(services);
    expect(names('Job')).toEqual(['oms-migrate']);
  });

  it.each(deployments.map((d) => [d.metadata.name, d]))('%s: selectors, ports, probes, image and entry point agree', (name, deployment) => {
    const pod = deployment.spec.template;
    const [container] = pod.spec.containers;
    expect(deployment.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': name });
    expect(pod.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
    expect(container.image).toBe('ghcr.io/example/oms:0.1.0');
    expect(existsSync(join(ROOT, container.command[1]))).toBe(true);
    expect(container.command[1]).toBe(`dist/apps/${name}/src/main.js`);
    // The named ports are the ones the process is told to listen on.
    const port = (portName: string) => container.ports.find((p: Manifest) => p.name === portName)?.containerPort;
    expect(String(port('http'))).toBe(envOf(container, 'PORT'));
    expect(String(port('grpc'))).toBe(envOf(container, 'GRPC_PORT'));
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      const handler = container[probe];
      expect(handler).toBeDefined();
      if (handler.httpGet) expect(port(handler.httpGet.port)).toBeDefined();
      if (handler.grpc) expect(handler.grpc.port).toBe(port('grpc'));
    }
    const service = manifests.find((m) => m.kind === 'Service' && m.metadata.name === name)!;
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    for (const p of service.spec.ports) expect(port(p.targetPort)).toBe(p.port);
    const pdb = manifests.find((m) => m.kind === 'PodDisruptionBudget' && m.metadata.name === name)!;
    expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(pdb.spec.minAvailable).toBeLessThan(deployment.spec.replicas);
    const hpa = manifests.find((m) => m.kind === 'HorizontalPodAutoscaler' && m.metadata.name === name)!;
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
    // A rolling update never takes a ready pod away before its replacement is ready.
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as Manifest;

  it('is valid against the Compose specification schema', () => {
    // The Compose specification's schema, as the dclint package ships it (draft-07).
    const schema = JSON.parse(readFileSync(join(ROOT, 'node_modules/dclint/schemas/compose.schema.json'), 'utf8'));
    delete schema.$schema; // Ajv knows draft-07 without the URI, which this file spells differently
    const ajv = new Ajv.default({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // ... and the schema does catch mistakes.
    const broken = structuredClone(compose);
    broken.services['order-service'].depends_on.migrate.condition = 'service_finished';
    expect(validate(broken)).toBe(false);
  });

  it('starts each service after the migration job and healthy dependencies, with a healthcheck on its own port', () => {
    for (const deployment of deployments) {
      const name = deployment.metadata.name as string;
      const service = compose.services[name];
      expect(service).toBeDefined();
      expect(service.depends_on.migrate).toEqual({ condition: 'service_completed_successfully' });
      expect(service.depends_on.rabbitmq).toEqual({ condition: 'service_healthy' });
      expect(service.command).toEqual(deployment.spec.template.spec.containers[0].command);
      const healthcheck = service.healthcheck.test.join(' ');
      expect(healthcheck).toContain(`http://127.0.0.1:${service.environment.PORT}/health/ready`);
    }
    expect(compose.services.migrate.depends_on.postgres).toEqual({ condition: 'service_healthy' });
  });
});

describe('every probe path is served by its service', () => {
  // The machine's RabbitMQ, in a virtual host of this run's own.
  const vhost = `oms-deploy-${randomUUID().slice(0, 8)}`;
  const amqpUrl = `${process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672'}/${vhost}`;
  const rabbitmqctl = (...args: string[]) => execFileSync('rabbitmqctl', args, { stdio: 'ignore' });
  let db: TestDatabase;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    rabbitmqctl('add_vhost', vhost);
    rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
    db = await createTestDatabase();
    const migrate = spawn(process.execPath, ['dist/scripts/migrate.js'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url }, stdio: 'inherit' });
    expect(await new Promise((resolve) => migrate.on('exit', resolve))).toBe(0);
  }, 60_000);

  afterAll(async () => {
    const exits = children
      .filter((c) => c.exitCode === null && c.signalCode === null)
      .map((c) => {
        const exited = new Promise((resolve) => c.once('exit', resolve));
        c.kill('SIGTERM');
        return exited;
      });
    await Promise.all(exits);
    await db?.drop();
    rabbitmqctl('delete_vhost', vhost);
  }, 30_000);

  it.each(deployments.map((d) => [d.metadata.name, d]))(
    '%s answers its startup, liveness and readiness probes (HTTP 200, gRPC SERVING)',
    async (_name, deployment) => {
      const container = deployment.spec.template.spec.containers[0];
      // The manifest's ports are checked above; here the process listens on free ones.
      const http = await freePort();
      const grpcPort = await freePort();
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        ...Object.fromEntries((container.env ?? []).map((e: Manifest) => [e.name, e.value])),
        DATABASE_URL: db.url,
        AMQP_URL: amqpUrl,
        OMS_JWT_SECRET: 'deployment-spec-secret-0123456789abcdef',
        OMS_SIGNING_SECRET: 'deployment-spec-signing-0123456789abcdef',
        PORT: String(http),
        GRPC_PORT: String(grpcPort),
        LOG_LEVEL: 'warn',
      };
      const child = spawn(process.execPath, [container.command[1]], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
      children.push(child);
      const paths = ['startupProbe', 'livenessProbe', 'readinessProbe'].map((p) => container[p].httpGet?.path).filter(Boolean) as string[];
      for (const path of paths) {
        const deadline = Date.now() + 45_000;
        let status = 0;
        while (status !== 200 && Date.now() < deadline && child.exitCode === null) {
          status = await fetch(`http://127.0.0.1:${http}${path}`).then((r) => r.status, () => 0);
          if (status !== 200) await new Promise((r) => setTimeout(r, 200));
        }
        expect({ path, status }).toEqual({ path, status: 200 });
      }
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe'].map((p) => container[p].grpc).filter(Boolean)) {
        expect({ service: probe.service, status: await grpcHealth(grpcPort, probe.service) }).toEqual({ service: probe.service, status: 'SERVING' });
      }
    },
    60_000,
  );
});

describe('a service started before its migrations ran', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  it('refuses to start, saying which migrations are pending and what to run', async () => {
    const child = spawn(process.execPath, ['dist/apps/inventory-service/src/main.js'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: db.url, AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672', OMS_JWT_SECRET: 'deployment-spec-secret-0123456789abcdef', PORT: String(await freePort()), GRPC_PORT: String(await freePort()) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/schema inventory_service is not current: \d+ migration\(s\) pending \(InitialSchema1795305600000, .*\)/);
    expect(stderr).toContain('npm run migrate');
  }, 30_000);
});
