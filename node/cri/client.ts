// A CRI v1 client (RuntimeService and ImageService) over gRPC to a unix socket, from the
// project's own api.proto. Every call has a deadline; gRPC errors come back as CriError with
// the status code, so callers can tell NOT_FOUND (already gone) from real failures.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ContainerConfig, ContainerFilter, ImageService, PodSandboxConfig, PodSandboxFilter, RuntimeService } from './types.ts';

/** Where api.proto is: beside this file, or (from the dist/ bundle) in the source tree. */
export function protoPath(): string {
  for (const rel of ['./api.proto', '../node/cri/api.proto', '../../node/cri/api.proto']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error('node/cri/api.proto not found beside the kubets sources');
}

export const LOAD_OPTIONS: protoLoader.Options = { keepCase: false, longs: Number, enums: String, defaults: true, arrays: true, objects: false };

export class CriError extends Error {
  constructor(
    readonly method: string,
    /** A grpc status code (5 NOT_FOUND, 4 DEADLINE_EXCEEDED, 14 UNAVAILABLE, ...). */
    readonly code: number,
    readonly details: string,
  ) {
    super(`CRI ${method}: ${details || grpc.status[code]}`);
  }
}

export const isNotFound = (e: unknown) => e instanceof CriError && e.code === grpc.status.NOT_FOUND;

export interface CriClient {
  runtime: RuntimeService;
  image: ImageService;
  endpoint: string;
  close(): void;
}

type Unary = (req: object, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void;

let cachedDefinition: grpc.GrpcObject | undefined;
function definition(): grpc.GrpcObject {
  cachedDefinition ??= grpc.loadPackageDefinition(protoLoader.loadSync(protoPath(), LOAD_OPTIONS));
  return cachedDefinition;
}

/** unix:///run/x.sock, unix:/run/x.sock or a bare path -> what grpc-js dials. */
export function normalizeEndpoint(endpoint: string): string {
  if (endpoint.startsWith('unix://')) return endpoint;
  if (endpoint.startsWith('unix:')) return `unix://${endpoint.slice('unix:'.length)}`;
  if (endpoint.startsWith('/')) return `unix://${endpoint}`;
  throw new Error(`container runtime endpoint must be a unix socket (unix:///path), got "${endpoint}"`);
}

export interface CriClientOptions {
  /** Per-call deadline; 2 min by default (image pulls and sandbox start-up can be slow). */
  timeoutMs?: number;
}

export function createCriClient(endpoint: string, opts: CriClientOptions = {}): CriClient {
  const target = normalizeEndpoint(endpoint);
  const v1 = (definition().runtime as grpc.GrpcObject).v1 as grpc.GrpcObject;
  const Runtime = v1.RuntimeService as grpc.ServiceClientConstructor;
  const Image = v1.ImageService as grpc.ServiceClientConstructor;
  const channelOptions = { 'grpc.max_receive_message_length': 16 * 1024 * 1024 };
  const rt = new Runtime(target, grpc.credentials.createInsecure(), channelOptions);
  // The image service shares the runtime client's channel.
  const img = new Image(target, grpc.credentials.createInsecure(), { ...channelOptions, channelOverride: rt.getChannel() });
  const timeoutMs = opts.timeoutMs ?? 120_000;

  function call<T>(client: grpc.Client, method: string, req: object, deadlineMs = timeoutMs): Promise<T> {
    return new Promise((resolve, reject) => {
      const fn = (client as unknown as Record<string, Unary>)[method];
      fn.call(client, req, new grpc.Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) => {
        if (err) reject(new CriError(method, err.code, err.details));
        else resolve(res as T);
      });
    });
  }
  const r = <T>(method: string, req: object, deadlineMs?: number) => call<T>(rt, method, req, deadlineMs);
  const i = <T>(method: string, req: object, deadlineMs?: number) => call<T>(img, method, req, deadlineMs);

  const runtime: RuntimeService = {
    version: () => r('Version', { version: 'v1' }),
    status: async () => (await r<{ status: { conditions: [] } | null }>('Status', {})).status?.conditions ?? [],
    runPodSandbox: async (config: PodSandboxConfig, runtimeHandler = '') => (await r<{ podSandboxId: string }>('RunPodSandbox', { config, runtimeHandler })).podSandboxId,
    stopPodSandbox: async (podSandboxId: string) => void (await r('StopPodSandbox', { podSandboxId })),
    removePodSandbox: async (podSandboxId: string) => void (await r('RemovePodSandbox', { podSandboxId })),
    podSandboxStatus: async (podSandboxId: string) => (await r<{ status: never }>('PodSandboxStatus', { podSandboxId })).status,
    listPodSandbox: async (filter?: PodSandboxFilter) => (await r<{ items: never[] }>('ListPodSandbox', { filter })).items,
    createContainer: async (podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig) =>
      (await r<{ containerId: string }>('CreateContainer', { podSandboxId, config, sandboxConfig })).containerId,
    startContainer: async (containerId: string) => void (await r('StartContainer', { containerId })),
    // The runtime waits up to `timeout` before SIGKILL: give the call that long and more.
    stopContainer: async (containerId: string, timeout: number) => void (await r('StopContainer', { containerId, timeout }, timeoutMs + timeout * 1000)),
    removeContainer: async (containerId: string) => void (await r('RemoveContainer', { containerId })),
    listContainers: async (filter?: ContainerFilter) => (await r<{ containers: never[] }>('ListContainers', { filter })).containers,
    containerStatus: async (containerId: string) => (await r<{ status: never }>('ContainerStatus', { containerId })).status,
    execSync: (containerId: string, cmd: string[], timeout: number) => r('ExecSync', { containerId, cmd, timeout }, timeout > 0 ? timeout * 1000 + 5000 : timeoutMs),
    exec: async (req) => (await r<{ url: string }>('Exec', req)).url,
    attach: async (req) => (await r<{ url: string }>('Attach', req)).url,
    portForward: async (podSandboxId: string, port: number[]) => (await r<{ url: string }>('PortForward', { podSandboxId, port })).url,
    containerStats: async (containerId: string) => (await r<{ stats: never }>('ContainerStats', { containerId })).stats,
    listContainerStats: async (filter) => (await r<{ stats: never[] }>('ListContainerStats', { filter })).stats,
  };

  const image: ImageService = {
    listImages: async () => (await i<{ images: never[] }>('ListImages', {})).images,
    imageStatus: async (name: string) => (await i<{ image: never | null }>('ImageStatus', { image: { image: name } })).image ?? undefined,
    pullImage: async (name: string) => (await i<{ imageRef: string }>('PullImage', { image: { image: name } })).imageRef,
    removeImage: async (name: string) => void (await i('RemoveImage', { image: { image: name } })),
    imageFsInfo: async () => (await i<{ imageFilesystems: never[] }>('ImageFsInfo', {})).imageFilesystems,
  };

  return {
    runtime,
    image,
    endpoint: target,
    close() {
      img.close();
      rt.close();
    },
  };
}
