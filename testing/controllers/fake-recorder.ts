// An EventRecorder for reconciler tests: keeps every event in memory, synchronously, with the
// component that recorded it, so a test can assert reason and message without a client.

import type { KubeObject } from '../../api/types.ts';
import type { EventRecorder, EventType, RecorderFor } from '../../server/controllers/common/events.ts';

export interface RecordedEvent {
  component: string;
  kind?: string;
  namespace?: string;
  name?: string;
  type: EventType;
  reason: string;
  message: string;
}

export class FakeRecorder {
  readonly events: RecordedEvent[] = [];

  /** The ControllerContext.events factory. */
  readonly recorderFor: RecorderFor = (component) => this.recorder(component);

  recorder(component: string): EventRecorder {
    return {
      event: (obj: KubeObject, type: EventType, reason: string, message: string) => {
        const m = obj.metadata ?? {};
        this.events.push({ component, kind: obj.kind, namespace: m.namespace, name: m.name, type, reason, message });
      },
      flush: async () => undefined,
    };
  }

  /** The events with this reason, in the order recorded. */
  withReason(reason: string): RecordedEvent[] {
    return this.events.filter((e) => e.reason === reason);
  }
}
