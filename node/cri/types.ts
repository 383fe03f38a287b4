// The CRI runtime.v1 messages as the client hands them out: api.proto loaded with camelCase
// names, int64 as number, enums as their names, defaults filled in (so every scalar and
// repeated field of a response is present). Only what the kubelet reads or sends is typed.

export type Labels = Record<string, string>;

export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';

export interface VersionResponse {
  version: string;
  runtimeName: string;
  runtimeVersion: string;
  runtimeApiVersion: string;
}

export interface PodSandboxMetadata {
  name: string;
  uid: string;
  namespace: string;
  attempt: number;
}

export interface PortMapping {
  protocol?: Protocol;
  containerPort: number;
  hostPort?: number;
  hostIp?: string;
}

export interface LinuxContainerResources {
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuShares?: number;
  memoryLimitInBytes?: number;
  oomScoreAdj?: number;
}

export interface NamespaceOption {
  network?: NamespaceMode;
  pid?: NamespaceMode;
  ipc?: NamespaceMode;
  /** With pid TARGET: the container whose process namespace this one joins. */
  targetId?: string;
}

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname?: string;
  logDirectory?: string;
  dnsConfig?: { servers?: string[]; searches?: string[]; options?: string[] };
  portMappings?: PortMapping[];
  labels?: Labels;
  annotations?: Labels;
  linux?: {
    cgroupParent?: string;
    securityContext?: { namespaceOptions?: NamespaceOption; runAsUser?: { value: number }; runAsGroup?: { value: number }; privileged?: boolean; supplementalGroups?: number[] };
    sysctls?: Labels;
    resources?: LinuxContainerResources;
  };
}

export interface Mount {
  containerPath: string;
  hostPath: string;
  readonly?: boolean;
  propagation?: 'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';
}

export interface ContainerConfig {
  metadata: { name: string; attempt: number };
  image: { image: string };
  command?: string[];
  args?: string[];
  workingDir?: string;
  envs?: { key: string; value: string }[];
  mounts?: Mount[];
  labels?: Labels;
  annotations?: Labels;
  logPath?: string;
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  linux?: {
    resources?: LinuxContainerResources;
    securityContext?: {
      privileged?: boolean;
      runAsUser?: { value: number };
      runAsGroup?: { value: number };
      readonlyRootfs?: boolean;
      namespaceOptions?: NamespaceOption;
      capabilities?: { addCapabilities?: string[]; dropCapabilities?: string[] };
    };
  };
}

export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  createdAt: number;
  labels: Labels;
  annotations: Labels;
}

export interface PodSandboxStatus extends PodSandbox {
  network: { ip: string; additionalIps: { ip: string }[] } | null;
}

export interface Container {
  id: string;
  podSandboxId: string;
  metadata: { name: string; attempt: number };
  image: { image: string } | null;
  imageRef: string;
  state: ContainerState;
  createdAt: number;
  labels: Labels;
  annotations: Labels;
}

export interface ContainerStatus {
  id: string;
  metadata: { name: string; attempt: number };
  state: ContainerState;
  /** Nanoseconds since the epoch; 0 when not yet. */
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  image: { image: string } | null;
  imageRef: string;
  reason: string;
  message: string;
  labels: Labels;
  annotations: Labels;
  logPath: string;
}

export interface Image {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
}

export interface RuntimeCondition {
  type: string;
  status: boolean;
  reason: string;
  message: string;
}

export interface ExecSyncResult {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
}

export interface ContainerFilter {
  id?: string;
  podSandboxId?: string;
  state?: { state: ContainerState };
  labelSelector?: Labels;
}

export interface PodSandboxFilter {
  id?: string;
  state?: { state: PodSandboxState };
  labelSelector?: Labels;
}

export interface ContainerStats {
  attributes: { id: string; metadata: { name: string; attempt: number }; labels: Labels; annotations: Labels } | null;
  cpu: { timestamp: number; usageCoreNanoSeconds: { value: number } | null; usageNanoCores: { value: number } | null } | null;
  memory: { timestamp: number; workingSetBytes: { value: number } | null; usageBytes: { value: number } | null; rssBytes: { value: number } | null } | null;
  writableLayer: { timestamp: number; usedBytes: { value: number } | null; inodesUsed: { value: number } | null } | null;
}

/** The CRI RuntimeService, one promise per call. */
export interface RuntimeService {
  version(): Promise<VersionResponse>;
  status(): Promise<RuntimeCondition[]>;
  runPodSandbox(config: PodSandboxConfig, runtimeHandler?: string): Promise<string>;
  stopPodSandbox(id: string): Promise<void>;
  removePodSandbox(id: string): Promise<void>;
  podSandboxStatus(id: string): Promise<PodSandboxStatus>;
  listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]>;
  createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** Signals the container to stop, SIGKILL after `timeoutSeconds`. */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  listContainers(filter?: ContainerFilter): Promise<Container[]>;
  containerStatus(id: string): Promise<ContainerStatus>;
  /** Runs cmd in the container; `timeoutSeconds` 0 means none. */
  execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult>;
  /** URLs of the runtime's streaming server (the kubelet's server proxies to them). */
  exec(req: { containerId: string; cmd: string[]; tty?: boolean; stdin?: boolean; stdout?: boolean; stderr?: boolean }): Promise<string>;
  attach(req: { containerId: string; tty?: boolean; stdin?: boolean; stdout?: boolean; stderr?: boolean }): Promise<string>;
  portForward(podSandboxId: string, ports: number[]): Promise<string>;
  containerStats(id: string): Promise<ContainerStats>;
  listContainerStats(filter?: { id?: string; podSandboxId?: string; labelSelector?: Labels }): Promise<ContainerStats[]>;
}

/** The CRI ImageService. */
export interface ImageService {
  listImages(): Promise<Image[]>;
  /** The image, or undefined when the runtime does not have it. */
  imageStatus(image: string): Promise<Image | undefined>;
  /** Pulls; resolves to the image reference (digest). */
  pullImage(image: string): Promise<string>;
  removeImage(image: string): Promise<void>;
  imageFsInfo(): Promise<{ timestamp: number; fsId: { mountpoint: string } | null; usedBytes: { value: number } | null; inodesUsed: { value: number } | null }[]>;
}
