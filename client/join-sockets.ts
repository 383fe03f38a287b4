// Two connections joined byte for byte until either ends (the upgraded streams the apiserver
// and the kubelet proxy: exec, attach, port-forward). An error on one ends both.

import type { Duplex } from 'node:stream';

export function joinSockets(a: Duplex, b: Duplex): void {
  const close = () => {
    a.destroy();
    b.destroy();
  };
  a.on('error', close);
  b.on('error', close);
  a.on('close', () => b.end());
  b.on('close', () => a.end());
  a.pipe(b);
  b.pipe(a);
}
