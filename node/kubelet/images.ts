// Images by imagePullPolicy, as the kubelet's image manager: Never uses only what is
// present (ErrImageNeverPull), IfNotPresent pulls when missing, Always pulls each time. A
// failed pull is ErrImagePull, then ImagePullBackOff while the per-image back-off (10 s
// doubling to 5 min) runs, with upstream's events.

import type { Container, Pod } from '../../api/core/pod/types.ts';
import type { ImageService } from '../cri/types.ts';
import type { Waiting } from './status.ts';

/** When the sync after a failed pull comes (it reports ImagePullBackOff while the back-off runs). */
const AFTER_PULL_FAILURE_MS = 1000;

type Emit = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

export interface ImageManager {
  ensure(c: Container, pod: Pod, emit: Emit): Promise<{ waiting?: Waiting; retryMs?: number }>;
}

/** Upstream's default: Always for :latest or no tag, IfNotPresent otherwise. */
export function pullPolicy(c: Container): string {
  if (c.imagePullPolicy) return c.imagePullPolicy;
  const image = c.image ?? '';
  if (image.includes('@')) return 'IfNotPresent';
  const last = image.slice(image.lastIndexOf('/') + 1);
  return !last.includes(':') || last.endsWith(':latest') ? 'Always' : 'IfNotPresent';
}

export function createImageManager(images: ImageService): ImageManager {
  const backoff = new Map<string, { delayMs: number; until: number }>();
  return {
    async ensure(c, _pod, emit) {
      const image = c.image ?? '';
      const policy = pullPolicy(c);
      const present = policy !== 'Always' ? await images.imageStatus(image).catch(() => undefined) : undefined;
      if (present) {
        emit('Normal', 'Pulled', `Container image "${image}" already present on machine`);
        return {};
      }
      if (policy === 'Never') {
        const message = `Container image "${image}" is not present with pull policy of Never`;
        emit('Warning', 'ErrImageNeverPull', message);
        return { waiting: { reason: 'ErrImageNeverPull', message }, retryMs: 10_000 };
      }
      const b = backoff.get(image);
      const now = Date.now();
      if (b && now < b.until) {
        emit('Normal', 'BackOff', `Back-off pulling image "${image}"`);
        emit('Warning', 'Failed', 'Error: ImagePullBackOff');
        return { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` }, retryMs: b.until - now + 50 };
      }
      emit('Normal', 'Pulling', `Pulling image "${image}"`);
      const t0 = Date.now();
      try {
        await images.pullImage(image);
        backoff.delete(image);
        emit('Normal', 'Pulled', `Successfully pulled image "${image}" in ${Date.now() - t0}ms`);
        return {};
      } catch (e) {
        const err = e instanceof Error ? e.message.replace(/^CRI \w+: /, '') : String(e);
        const delayMs = b ? Math.min(b.delayMs * 2, 300_000) : 10_000;
        backoff.set(image, { delayMs, until: Date.now() + delayMs });
        emit('Warning', 'Failed', `Failed to pull image "${image}": ${err}`);
        emit('Warning', 'Failed', 'Error: ErrImagePull');
        // The next sync, soon, reports the back-off (ImagePullBackOff) and then waits it out;
        // upstream's pod worker gets that sync from the update its own status write causes.
        return { waiting: { reason: 'ErrImagePull', message: err }, retryMs: AFTER_PULL_FAILURE_MS };
      }
    },
  };
}
