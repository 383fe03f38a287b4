// The files containerd needs, written under the agent's data dir: its TOML config (CRI plugin
// on, overlayfs, cgroupfs runc, restrict_oom_score_adj because root here lacks
// CAP_SYS_RESOURCE, network namespaces under the state dir) and one CNI bridge conflist with
// the plugins of /usr/lib/cni. Pure: strings in, strings out.

import { join } from 'node:path';

export interface ContainerdLayout {
  /** The directory everything lives in (DATA_DIR/containerd). */
  dir: string;
  root: string;
  state: string;
  socket: string;
  config: string;
  cniConfDir: string;
  cniIpamDir: string;
  /** Where pod log directories go (one per pod uid). */
  podLogs: string;
  pidFile: string;
  logFile: string;
}

export function containerdLayout(dataDir: string): ContainerdLayout {
  const dir = join(dataDir, 'containerd');
  return {
    dir,
    root: join(dir, 'root'),
    state: join(dir, 'state'),
    socket: join(dir, 'containerd.sock'),
    config: join(dir, 'config.toml'),
    cniConfDir: join(dir, 'cni', 'net.d'),
    cniIpamDir: join(dir, 'cni', 'ipam'),
    podLogs: join(dataDir, 'pods'),
    pidFile: join(dir, 'containerd.pid'),
    logFile: join(dir, 'containerd.log'),
  };
}

export const CNI_BIN_DIR = '/usr/lib/cni';
export const PAUSE_IMAGE = 'localhost/kubets/pause:1';
export const BUSYBOX_IMAGE = 'localhost/kubets/busybox:1';

const q = (s: string) => JSON.stringify(s);

export function containerdConfig(l: ContainerdLayout, opts: { sandboxImage?: string; cniBinDir?: string } = {}): string {
  return `version = 2
root = ${q(l.root)}
state = ${q(l.state)}

[grpc]
  address = ${q(l.socket)}

[ttrpc]
  address = ${q(`${l.socket}.ttrpc`)}

[debug]
  level = "warn"

[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = ${q(opts.sandboxImage ?? PAUSE_IMAGE)}
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    enable_selinux = false
    restrict_oom_score_adj = true
    netns_mounts_under_state_dir = true
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = ${q(opts.cniBinDir ?? CNI_BIN_DIR)}
      conf_dir = ${q(l.cniConfDir)}
      max_conf_num = 1
    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = "overlayfs"
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          SystemdCgroup = false
`;
}

/**
 * A bridge + host-local + portmap chain handing out addresses of `podCIDR`. No `loopback` in
 * the chain: containerd's CRI plugin brings each sandbox's lo up itself (go-cni's
 * WithLoNetwork), so a second one only cost another plugin run per sandbox. No `ipMasq`:
 * `pod-masquerade.ts` masquerades the whole CIDR with one rule instead of a chain per pod.
 */
export function cniConflist(l: ContainerdLayout, podCIDR: string, bridge = 'kubets0'): string {
  const conf = {
    cniVersion: '0.4.0',
    name: 'kubets',
    plugins: [
      {
        type: 'bridge',
        bridge,
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ipam: { type: 'host-local', ranges: [[{ subnet: podCIDR }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: l.cniIpamDir },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
  return `${JSON.stringify(conf, null, 2)}\n`;
}
