// A clock tests move by hand; timers fire as time passes them.

import type { Clock } from '../../../client/types.ts';

export class FakeClock implements Clock {
  #now: number;
  #timers: { at: number; fn: () => void; live: boolean }[] = [];

  constructor(start: Date | string = '2025-01-01T00:00:00Z') {
    this.#now = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  setTimeout(fn: () => void, ms: number): { cancel(): void } {
    const t = { at: this.#now + ms, fn, live: true };
    this.#timers.push(t);
    return { cancel: () => void (t.live = false) };
  }

  advance(ms: number): void {
    this.#now += ms;
    const due = this.#timers.filter((t) => t.live && t.at <= this.#now).sort((a, b) => a.at - b.at);
    this.#timers = this.#timers.filter((t) => !due.includes(t));
    for (const t of due) t.fn();
  }
}
