// Upstream's debug tables of API Priority and Fairness: comma-separated columns padded to
// line up, one row per priority level or per queue.

import type { PriorityLevel } from './priority-level.ts';

function table(rows: (string | number | boolean)[][]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : `${c},`.padEnd(widths[i] + 2))).join('')).join('\n') + '\n';
}

export function dumpPriorityLevels(exempt: string[], levels: PriorityLevel[]): string {
  const rows: (string | number | boolean)[][] = [
    ['PriorityLevelName', 'ActiveQueues', 'IsIdle', 'IsQuiescing', 'WaitingRequests', 'ExecutingRequests', 'DispatchedRequests', 'RejectedRequests', 'TimedoutRequests', 'CancelledRequests'],
  ];
  for (const name of exempt) rows.push([name, '<none>', '<none>', '<none>', '<none>', '<none>', '<none>', '<none>', '<none>', '<none>']);
  for (const l of [...levels].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const active = l.queueLengths().filter((n) => n > 0).length;
    rows.push([l.name, active, l.executing === 0 && l.waiting() === 0, false, l.waiting(), l.executing, l.dispatched, l.rejected, l.timedOut, 0]);
  }
  return table(rows);
}

/** Upstream's SeatSeconds spelling: eight decimals and "ss". */
const seatSeconds = (x: number) => `${x.toFixed(8)}ss`;

export function dumpQueues(exempt: string[], levels: PriorityLevel[]): string {
  const rows: (string | number | boolean)[][] = [
    ['PriorityLevelName', 'Index', 'PendingRequests', 'ExecutingRequests', 'SeatsInUse', 'NextDispatchR', 'InitialSeatsSum', 'MaxSeatsSum', 'TotalWorkSum'],
  ];
  for (const name of exempt) rows.push([name, '<none>', '<none>', '<none>', '<none>', '<none>', '<none>', '<none>', '<none>']);
  for (const l of [...levels].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    l.dumpQueues().forEach((q, i) =>
      rows.push([l.name, i, q.pending, q.executing, q.seatsInUse, seatSeconds(q.nextDispatchR), q.initialSeatsSum, q.maxSeatsSum, seatSeconds(q.totalWorkSum)]),
    );
  }
  return table(rows);
}
