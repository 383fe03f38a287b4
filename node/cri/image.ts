// Images without a registry: `buildBusyboxImage` makes a docker-archive from the Debian
// busybox-static binary (one layer: /bin/busybox, a link per applet, /etc/passwd), tagged as
// the test image and as the pause image; `importImage` loads a docker-archive or OCI tarball
// into containerd's k8s.io namespace with `ctr` (CRI has no import call).

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, createReadStream, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { BUSYBOX_IMAGE, PAUSE_IMAGE } from './containerd-config.ts';

const run = promisify(execFile);

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const fileSha256 = async (path: string) => {
  const h = createHash('sha256');
  await pipeline(createReadStream(path), h);
  return h.digest('hex');
};

const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' };

/** The image's default command: sleep until told to stop, and stop at once on SIGTERM (the pause image's job). */
export const IDLE_COMMAND = ['/bin/sh', '-c', "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"];

export interface BuildOptions {
  /** The static busybox binary; /bin/busybox by default. */
  busybox?: string;
  /** Tags; the busybox and pause images by default. */
  tags?: string[];
  /** More files for the layer: host path -> absolute path in the image (links followed). */
  files?: Map<string, string>;
}

/** Writes a docker-archive tarball to `out`; resolves to the image's config digest. */
export async function buildBusyboxImage(out: string, opts: BuildOptions = {}): Promise<string> {
  const busybox = opts.busybox ?? '/bin/busybox';
  const tags = opts.tags ?? [BUSYBOX_IMAGE, PAUSE_IMAGE];
  const work = mkdtempSync(join(tmpdir(), 'kubets-image-'));
  try {
    const root = join(work, 'rootfs');
    for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'root', 'proc', 'sys', 'dev', 'var', 'home', 'tmp']) mkdirSync(join(root, d), { recursive: true });
    chmodSync(join(root, 'tmp'), 0o1777);
    copyFileSync(busybox, join(root, 'bin', 'busybox'));
    chmodSync(join(root, 'bin', 'busybox'), 0o755);
    const { stdout } = await run(busybox, ['--list-full']);
    for (const path of stdout.split('\n').filter(Boolean)) {
      if (path === 'bin/busybox') continue;
      const depth = path.split('/').length - 1;
      try {
        symlinkSync(`${'../'.repeat(depth)}bin/busybox`, join(root, path));
      } catch {
        /* an applet listed twice */
      }
    }
    for (const [from, to] of opts.files ?? []) {
      mkdirSync(dirname(join(root, to)), { recursive: true });
      copyFileSync(from, join(root, to));
      chmodSync(join(root, to), statSync(from).mode & 0o777);
    }
    writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n');
    writeFileSync(join(root, 'etc', 'group'), 'root:x:0:\nnobody:x:65534:\n');
    const img = join(work, 'img');
    mkdirSync(img);
    const layerTmp = join(img, 'layer.tar');
    await run('tar', ['--numeric-owner', '--owner=0', '--group=0', '--sort=name', '--mtime=@0', '-C', root, '-cf', layerTmp, '.']);
    const layerSha = await fileSha256(layerTmp);
    mkdirSync(join(img, layerSha));
    renameSync(layerTmp, join(img, layerSha, 'layer.tar'));
    const config = {
      architecture: GOARCH[process.arch] ?? process.arch,
      os: 'linux',
      created: '2024-01-01T00:00:00Z',
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: IDLE_COMMAND, WorkingDir: '/' },
      rootfs: { type: 'layers', diff_ids: [`sha256:${layerSha}`] },
      history: [{ created: '2024-01-01T00:00:00Z', created_by: 'kubets image build-busybox' }],
    };
    const configJson = Buffer.from(JSON.stringify(config));
    const configSha = sha256(configJson);
    writeFileSync(join(img, `${configSha}.json`), configJson);
    writeFileSync(join(img, 'manifest.json'), JSON.stringify([{ Config: `${configSha}.json`, RepoTags: tags, Layers: [`${layerSha}/layer.tar`] }]));
    await run('tar', ['--numeric-owner', '--owner=0', '--group=0', '--mtime=@0', '-C', img, '-cf', out, 'manifest.json', `${configSha}.json`, layerSha]);
    return `sha256:${configSha}`;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Imports a docker-archive or OCI tarball into containerd's CRI namespace (k8s.io). */
export async function importImage(socket: string, file: string, ctr = 'ctr'): Promise<string> {
  const path = socket.replace(/^unix:\/\//, '');
  const { stdout, stderr } = await run(ctr, ['-a', path, '-n', 'k8s.io', 'images', 'import', file], { maxBuffer: 8 * 1024 * 1024 }).catch((e: { stderr?: string; message: string }) => {
    throw new Error(`ctr images import ${file}: ${(e.stderr ?? '').trim() || e.message}`);
  });
  return `${stdout}${stderr}`.trim();
}
