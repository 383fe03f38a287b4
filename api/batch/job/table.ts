// kubectl get jobs: STATUS from the conditions, COMPLETIONS, DURATION and the wide template.

import type { KubeObject, TablePrinter } from '../../types.ts';
import { humanDuration } from '../../meta/duration.ts';
import { ageColumn, col, condition, containerCells, containersColumn, formatLabelSelector, imagesColumn, nameColumn, num, objAge, objName, rec, spec, statusOf, str } from '../../meta/table-format.ts';

function has(obj: KubeObject, type: string): boolean {
  return condition(statusOf(obj).conditions, type)?.status === 'True';
}

export function jobStatus(obj: KubeObject): string {
  if (has(obj, 'Complete')) return 'Complete';
  if (has(obj, 'Failed')) return 'Failed';
  if (obj.metadata?.deletionTimestamp) return 'Terminating';
  if (has(obj, 'Suspended')) return 'Suspended';
  if (has(obj, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

export function completions(obj: KubeObject): string {
  const sp = spec(obj);
  const succeeded = num(statusOf(obj).succeeded);
  if (typeof sp.completions === 'number') return `${succeeded}/${sp.completions}`;
  const parallelism = num(sp.parallelism);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

export function jobDuration(obj: KubeObject, now: Date): string {
  const st = statusOf(obj);
  const start = Date.parse(str(st.startTime));
  if (Number.isNaN(start)) return '';
  const end = Date.parse(str(st.completionTime));
  return humanDuration((Number.isNaN(end) ? now.getTime() : end) - start);
}

export const jobTable: TablePrinter = {
  columns: [
    nameColumn,
    col('Status', 'string', 'Complete, Failed, Terminating, Suspended, FailureTarget or Running.'),
    col('Completions', 'string', 'Succeeded pods out of the completions wanted.'),
    col('Duration', 'string', 'How long the job ran, or has been running.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    col('Selector', 'string', 'Label selector of the job\'s pods.', true),
  ],
  row(obj, now) {
    const sp = spec(obj);
    const [names, images] = containerCells(rec(rec(sp.template).spec).containers);
    return [objName(obj), jobStatus(obj), completions(obj), jobDuration(obj, now), objAge(obj, now), names, images, formatLabelSelector(sp.selector)];
  },
};
