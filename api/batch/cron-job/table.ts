// kubectl get cronjobs: schedule, time zone, suspension, active jobs and last schedule.

import type { TablePrinter } from '../../types.ts';
import { since } from '../../meta/duration.ts';
import { ageColumn, arr, col, containerCells, containersColumn, formatLabelSelector, imagesColumn, nameColumn, objAge, objName, rec, spec, statusOf, str } from '../../meta/table-format.ts';

export const cronJobTable: TablePrinter = {
  columns: [
    nameColumn,
    col('Schedule', 'string', 'The cron schedule.'),
    col('Timezone', 'string', 'Time zone the schedule is read in.'),
    col('Suspend', 'boolean', 'Whether new runs are suspended.'),
    col('Active', 'integer', 'Jobs currently running.'),
    col('Last Schedule', 'string', 'Time since a job was last scheduled.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    col('Selector', 'string', 'Label selector of the jobs\' pods.', true),
  ],
  row(obj, now) {
    const sp = spec(obj);
    const st = statusOf(obj);
    const jobSpec = rec(rec(sp.jobTemplate).spec);
    const [names, images] = containerCells(rec(rec(jobSpec.template).spec).containers);
    const last = str(st.lastScheduleTime) ? since(str(st.lastScheduleTime), now) : '<none>';
    const suspend = typeof sp.suspend === 'boolean' ? (sp.suspend ? 'True' : 'False') : '<unset>';
    return [
      objName(obj), str(sp.schedule), str(sp.timeZone) || '<none>', suspend, arr(st.active).length, last,
      objAge(obj, now), names, images, formatLabelSelector(jobSpec.selector),
    ];
  },
};
