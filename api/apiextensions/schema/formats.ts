// String formats a CRD schema may name, checked as upstream's format registry does.
// Formats it does not know are accepted, as upstream accepts them.

import { isDNS1123Label, isDNS1123Subdomain, isValidIP } from '../../meta/names.ts';

const re = (r: RegExp) => (v: string) => r.test(v);

export const FORMATS: Record<string, (v: string) => boolean> = {
  byte: (v) => /^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0,
  date: re(/^\d{4}-\d{2}-\d{2}$/),
  'date-time': (v) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v.replace(' ', 'T'))),
  datetime: (v) => FORMATS['date-time']!(v),
  uuid: re(/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i),
  uuid3: re(/^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i),
  uuid4: re(/^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i),
  uuid5: re(/^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i),
  email: re(/^[^@\s]+@[^@\s]+$/),
  hostname: (v) => isDNS1123Subdomain(v).length === 0 || isDNS1123Label(v).length === 0,
  ipv4: (v) => /^\d{1,3}(\.\d{1,3}){3}$/.test(v) && isValidIP(v),
  ipv6: (v) => v.includes(':') && isValidIP(v),
  cidr: (v) => {
    const [ip, bits, rest] = v.split('/');
    if (rest !== undefined || !ip || !bits || !/^\d+$/.test(bits) || !isValidIP(ip)) return false;
    return Number(bits) <= (ip.includes(':') ? 128 : 32);
  },
  mac: re(/^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i),
  uri: (v) => {
    try {
      return !!new URL(v).protocol;
    } catch {
      return false;
    }
  },
  duration: re(/^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+)$/),
  isbn: re(/^(\d{9}[\dX]|\d{13})$/),
  hexcolor: re(/^#[0-9a-f]{6}$/i),
  rgbcolor: re(/^rgb\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\)$/),
  password: () => true,
};
