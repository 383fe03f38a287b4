// The public types of `import { startKubets } from 'kubets'`. Self-contained on purpose: the
// package's .d.ts files for these reach nothing of the server's internals.

/** Where an embedded kubets keeps its objects. */
export type StoreOption =
  /** SQLite in memory: gone at stop(). The default. */
  | 'memory'
  /** SQLite file, PKI and kubeconfig in this folder, kept after stop() (a restart reuses them). */
  | { dir: string }
  /** An etcd cluster (v3 API), e.g. ['http://127.0.0.1:2379']. */
  | { etcd: string[] };

export interface KubetsOptions {
  /** 'memory' by default. */
  store?: StoreOption;
  /**
   * The controller-manager: true (default) runs every controller, false none, or a list as
   * kube-controller-manager's --controllers takes it ('deployment', '-garbage-collector', '*').
   */
  controllers?: boolean | string[];
  /** The scheduler; true by default. */
  scheduler?: boolean;
  /** Simulated nodes (Ready, they run every pod bound to them as Running); 0 by default. */
  nodes?: number;
  /** CustomResourceDefinition files or folders (YAML or JSON), created and Established before startKubets resolves. */
  crds?: string | string[];
  /** HTTPS port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Log lines to stderr: -1 none, 0 (default) warnings and errors, 1 info, 2 debug. */
  verbosity?: number;
}

/** What client-node's `KubeConfig.loadFromOptions()` takes. */
export interface KubeConfigOptions {
  clusters: { name: string; server: string; caData: string; skipTLSVerify: false }[];
  users: { name: string; certData?: string; keyData?: string; token?: string }[];
  contexts: { name: string; cluster: string; user: string; namespace?: string }[];
  currentContext: string;
}

/**
 * Names one object: what you created (apiVersion, kind, metadata; a client-node V1Deployment
 * will do) is enough. apiVersion and kind are required at run time; optional here only
 * because client-node's model classes declare them so.
 */
export interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  /** Instead of metadata (kubectl's spelling). */
  name?: string;
  namespace?: string;
}

export interface WaitOptions {
  /** 10 s by default. */
  timeoutMs?: number;
}

export interface UserOptions {
  /** Groups (the certificate's O), e.g. ['system:authenticated'] is added by the server anyway. */
  groups?: string[];
}

/** A Kubernetes object as JSON. */
export type KubeObject = { apiVersion?: string; kind?: string; metadata?: Record<string, unknown> } & Record<string, unknown>;

export interface Kubets {
  /** https://127.0.0.1:PORT */
  url: string;
  /** The admin's kubeconfig (YAML): cluster, user and context `kubets`, CN=kubernetes-admin in system:masters. */
  kubeconfig: string;
  /** The same kubeconfig as a file, for kubectl, helm and KUBECONFIG. */
  kubeconfigPath: string;
  /** The cluster CA, PEM. */
  ca: string;
  /** The cluster CA, base64 of the PEM (a kubeconfig's certificate-authority-data). */
  caData: string;
  /** The admin's kubeconfig for client-node: `kc.loadFromOptions(k.kubeConfigOptions)`. */
  kubeConfigOptions: KubeConfigOptions;
  /** A kubeconfig (YAML) for `user` in `groups`: a client certificate signed by this instance's CA. */
  kubeconfigFor(user: string, opts?: UserOptions): Promise<string>;
  /** Creates the CRDs in these files or folders and waits until each is Established and served. */
  applyCrds(paths: string | string[], opts?: WaitOptions): Promise<KubeObject[]>;
  /**
   * Resolves with the object once `test(object)` holds (a watch, not polling; the object may
   * not exist yet); rejects on timeout with the status it last saw.
   */
  waitFor<T = KubeObject>(ref: ObjectReference, test: (obj: T) => boolean, opts?: WaitOptions): Promise<T>;
  /** Resolves once the object has status.conditions[type].status == status ('True' by default). */
  waitForCondition<T = KubeObject>(ref: ObjectReference, type: string, opts?: WaitOptions & { status?: string }): Promise<T>;
  /** Stops everything; leaves no socket, timer or file behind (a { dir } store keeps its folder). */
  stop(): Promise<void>;
}
