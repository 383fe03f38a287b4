// A kubeconfig user's exec credential plugin (client.authentication.k8s.io v1 and v1beta1), as
// client-go runs it: the command with its args and env, KUBERNETES_EXEC_INFO holding an
// ExecCredential spec (and the cluster when provideClusterInfo asks), stdout an ExecCredential
// whose status carries a token, kept until its expirationTimestamp. Plugins run without a
// terminal, so `interactiveMode: Always` is refused. A plugin that answers with a client
// certificate is refused too: our clients fix their TLS identity when they are created.

import { execFile } from 'node:child_process';
import type { RestConfig } from './rest.ts';

export interface ExecConfig {
  command?: string;
  args?: string[];
  env?: { name?: string; value?: string }[] | null;
  apiVersion?: string;
  installHint?: string;
  provideClusterInfo?: boolean;
  interactiveMode?: string;
}

const API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];

interface ExecCredential {
  apiVersion?: string;
  kind?: string;
  status?: { token?: string; clientCertificateData?: string; clientKeyData?: string; expirationTimestamp?: string };
}

/** Checks the plugin's configuration now and returns the Authorization header source that runs it. */
export function execAuthorization(exec: ExecConfig, user: string, cluster: RestConfig): () => Promise<string | undefined> {
  const where = `kubeconfig: user ${JSON.stringify(user)}: exec plugin`;
  if (!exec.command) throw new Error(`${where}: no command`);
  if (!exec.apiVersion || !API_VERSIONS.includes(exec.apiVersion)) {
    throw new Error(`${where}: apiVersion ${JSON.stringify(exec.apiVersion ?? '')} is not supported; use one of ${API_VERSIONS.join(', ')}`);
  }
  if (exec.interactiveMode === 'Always') throw new Error(`${where}: exec plugin cannot support interactive mode: kubets runs it without a terminal`);
  let cached: { header: string; expires?: number } | undefined;
  let running: Promise<string> | undefined;
  return async () => {
    if (cached && (cached.expires === undefined || Date.now() < cached.expires)) return cached.header;
    running ??= runPlugin(exec, cluster).then(
      (c) => {
        cached = c;
        running = undefined;
        return c.header;
      },
      (e) => {
        running = undefined;
        throw e;
      },
    );
    return running;
  };
}

async function runPlugin(exec: ExecConfig, cluster: RestConfig): Promise<{ header: string; expires?: number }> {
  const info: Record<string, unknown> = { apiVersion: exec.apiVersion, kind: 'ExecCredential', spec: { interactive: false } };
  if (exec.provideClusterInfo) {
    (info.spec as Record<string, unknown>).cluster = {
      server: cluster.server,
      'tls-server-name': cluster.tlsServerName,
      'insecure-skip-tls-verify': cluster.insecureSkipTLSVerify,
      'certificate-authority-data': cluster.ca ? Buffer.from(cluster.ca).toString('base64') : undefined,
    };
  }
  const env: NodeJS.ProcessEnv = { ...process.env, KUBERNETES_EXEC_INFO: JSON.stringify(info) };
  for (const e of exec.env ?? []) if (e?.name) env[e.name] = e.value ?? '';
  const command = exec.command!;
  const stdout = await new Promise<string>((resolveOut, reject) => {
    execFile(command, exec.args ?? [], { env, maxBuffer: 1 << 20, timeout: 60_000 }, (err, out) => {
      if (!err) return resolveOut(out);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') reject(new Error(`exec: executable ${command} not found${exec.installHint ? `\n\n${exec.installHint}` : ''}`));
      else reject(new Error(`exec: executable ${command} failed with exit code ${typeof code === 'number' ? code : (err as { status?: number }).status ?? 1}`));
    });
  });
  let cred: ExecCredential;
  try {
    cred = JSON.parse(stdout) as ExecCredential;
  } catch (e) {
    throw new Error(`exec: decoding stdout: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (cred.kind !== 'ExecCredential' || cred.apiVersion !== exec.apiVersion) {
    throw new Error(`exec plugin is configured to use API version ${exec.apiVersion}, plugin returned version ${cred.apiVersion ?? ''}`);
  }
  const status = cred.status;
  if (!status) throw new Error("exec plugin didn't return a status field");
  if (status.clientCertificateData || status.clientKeyData) {
    throw new Error('exec plugin returned a client certificate; kubets clients take only tokens from exec plugins');
  }
  if (!status.token) throw new Error("exec plugin didn't return a token or cert/key pair");
  const expires = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) : undefined;
  return { header: `Bearer ${status.token}`, expires: Number.isFinite(expires) ? expires : undefined };
}
