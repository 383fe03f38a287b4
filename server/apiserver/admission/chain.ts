// The admission chain: every plugin's admit in order (the mutating phase), then every plugin's
// validate in order (the validating phase). The engine calls the two phases at upstream's
// points of the write pipeline; plugins may be added while the server runs (webhooks).

import type { AdmissionPlugin, Attributes } from './types.ts';

export interface Admission {
  /** The mutating phase: may change a.object. */
  admit(a: Attributes): Promise<void>;
  /** The validating phase: may only reject. */
  validate(a: Attributes): Promise<void>;
}

export class AdmissionChain implements Admission {
  private plugins: AdmissionPlugin[];

  constructor(plugins: AdmissionPlugin[]) {
    this.plugins = [...plugins];
  }

  /** Plugin names in the order they run. */
  names(): string[] {
    return this.plugins.map((p) => p.name);
  }

  /** Adds a plugin before the named one (or last); a plugin of the same name is replaced. */
  add(plugin: AdmissionPlugin, before?: string): void {
    this.remove(plugin.name);
    const i = before === undefined ? -1 : this.plugins.findIndex((p) => p.name === before);
    if (i < 0) this.plugins.push(plugin);
    else this.plugins.splice(i, 0, plugin);
  }

  remove(name: string): void {
    this.plugins = this.plugins.filter((p) => p.name !== name);
  }

  async admit(a: Attributes): Promise<void> {
    for (const p of this.plugins) {
      if (p.admit && (!p.handles || p.handles(a.operation))) await p.admit(a);
    }
  }

  async validate(a: Attributes): Promise<void> {
    for (const p of this.plugins) {
      if (p.validate && (!p.handles || p.handles(a.operation))) await p.validate(a);
    }
  }
}
