// kubectl get endpointslices: address type, ports and addresses, three of each at most.

import type { TablePrinter } from '../../types.ts';
import { ageColumn, arr, col, listWithMore, nameColumn, objAge, objName, recs, str } from '../../meta/table-format.ts';

export const endpointSliceTable: TablePrinter = {
  columns: [
    nameColumn,
    col('AddressType', 'string', 'IPv4, IPv6 or FQDN.'),
    col('Ports', 'string', 'Port numbers (or names) of the slice.'),
    col('Endpoints', 'string', 'Addresses of the endpoints.'),
    ageColumn,
  ],
  row(obj, now) {
    const ports = recs(obj.ports).map((p) => (typeof p.port === 'number' ? String(p.port) : typeof p.name === 'string' ? p.name : '*'));
    const addresses = recs(obj.endpoints).flatMap((e) => arr(e.addresses).map(str));
    return [objName(obj), str(obj.addressType), listWithMore(ports), listWithMore(addresses), objAge(obj, now)];
  },
};
