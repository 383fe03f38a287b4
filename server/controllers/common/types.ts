// What every controller is built from: the client and informers it talks through, an
// injected clock, a logger, an event recorder per controller, and the definition the manager runs (a name, a worker count,
// the handlers that map informer events to keys, and reconcile(key)).

import type { Client, Clock, InformerFactory, Log, Result } from '../../../client/types.ts';
import type { RecorderFor } from './events.ts';


export interface ControllerContext {
  client: Client;
  informers: InformerFactory;
  clock: Clock;
  log: Log;
  /** The event recorder for a controller, by upstream's component name (one per controller). */
  events: RecorderFor;
}

/** Adds a key to the controller's queue, optionally after a delay. */
export type Enqueue = (key: string, afterMs?: number) => void;

export interface ControllerDefinition {
  /** Upstream's controller name (`--controllers` uses it). */
  name: string;
  workers: number;
  /** Registers informer handlers that enqueue keys. Called once before informers start. */
  register(enqueue: Enqueue): void;
  reconcile(key: string): Promise<Result>;
}
