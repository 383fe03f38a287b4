// One DNS message in, one out, as CoreDNS (over miekg/dns) answers: header-only FORMERR for
// a message that cannot be read or is not one question, NOTIMP for opcodes other than QUERY,
// nothing at all for fragments shorter than a header or for responses; NXDOMAIN and NODATA
// carry the zone's SOA in the authority section; an EDNS OPT is echoed; a UDP answer larger
// than the client's buffer comes back empty with TC set so it retries over TCP. The codec is
// dns-packet.

import dnsPacket from 'dns-packet';
import { lookup, soaRecord, type DnsView, type Rr, type ZoneOptions } from './records.ts';

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
const QR = 1 << 15;
const MIN_UDP = 512;

export interface Question {
  name: string;
  type: string;
  class?: string;
}

export interface Message {
  id: number;
  type: 'query' | 'response';
  flags: number;
  questions: Question[];
  answers: Rr[];
  authorities: Rr[];
  additionals: Array<Rr | { type: 'OPT'; name: string; udpPayloadSize: number; flags?: number; options?: unknown[] }>;
}

export type Outcome =
  | { kind: 'drop' }
  | { kind: 'reply'; bytes: Buffer; rcode: number }
  /** Send `bytes` (the query as received) to the upstream resolver. */
  | { kind: 'forward' };

function headerOnly(buf: Buffer, rcode: number): Buffer {
  const out = Buffer.alloc(12);
  out.writeUInt16BE(buf.readUInt16BE(0), 0);
  const opcode = (buf.readUInt16BE(2) >> 11) & 0xf;
  const rd = buf.readUInt16BE(2) & 0x100;
  out.writeUInt16BE(QR | (opcode << 11) | rd | rcode, 2);
  return out;
}

function flagsFor(query: Message, rcode: number, authoritative: boolean): number {
  const rd = query.flags & dnsPacket.RECURSION_DESIRED;
  const cd = query.flags & dnsPacket.CHECKING_DISABLED;
  return (authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | rd | cd | dnsPacket.RECURSION_AVAILABLE | rcode;
}

/** Encodes; over UDP, an answer too large for the client's buffer is emptied and marked TC. */
export function encodeReply(msg: Message, maxSize: number): Buffer {
  let bytes = dnsPacket.encode(msg as unknown as dnsPacket.Packet);
  if (bytes.length > maxSize) {
    const opt = msg.additionals.filter((r) => r.type === 'OPT');
    bytes = dnsPacket.encode({ ...msg, flags: msg.flags | dnsPacket.TRUNCATED_RESPONSE, answers: [], authorities: [], additionals: opt } as unknown as dnsPacket.Packet);
  }
  return bytes;
}

/** Reads the header the way miekg/dns's default accept function does. */
function acceptable(buf: Buffer): Outcome | undefined {
  if (buf.length < 12) return { kind: 'drop' };
  const flags = buf.readUInt16BE(2);
  if (flags & QR) return { kind: 'drop' };
  const opcode = (flags >> 11) & 0xf;
  if (opcode !== 0) return { kind: 'reply', bytes: headerOnly(buf, RCODE.NOTIMP), rcode: RCODE.NOTIMP };
  const [qd, an, ns, ar] = [4, 6, 8, 10].map((o) => buf.readUInt16BE(o));
  if (qd !== 1 || an > 1 || ns > 1 || ar > 2) return { kind: 'reply', bytes: headerOnly(buf, RCODE.FORMERR), rcode: RCODE.FORMERR };
  return undefined;
}

export interface AnswerOptions extends ZoneOptions {
  /** SOA serial (CoreDNS uses the time the zone last changed; any increasing number will do). */
  serial(): number;
}

/** Decides what to do with one query. `udp` sizes the reply to the client's buffer. */
export function answer(view: DnsView, o: AnswerOptions, buf: Buffer, udp: boolean): Outcome {
  const early = acceptable(buf);
  if (early) return early;
  let query: Message;
  try {
    query = dnsPacket.decode(buf) as unknown as Message;
  } catch {
    return { kind: 'reply', bytes: headerOnly(buf, RCODE.FORMERR), rcode: RCODE.FORMERR };
  }
  const q = query.questions[0];
  const opt = query.additionals.find((r) => r.type === 'OPT') as { udpPayloadSize?: number } | undefined;
  const maxSize = udp ? Math.max(MIN_UDP, Math.min(opt?.udpPayloadSize ?? MIN_UDP, 65535)) : 65535;
  const qname = q.name.toLowerCase().replace(/\.$/, '');
  const reply = (rcode: number, answers: Rr[], authorities: Rr[], extra: Rr[], authoritative: boolean): Outcome => {
    const msg: Message = {
      id: query.id,
      type: 'response',
      flags: flagsFor(query, rcode, authoritative),
      questions: [q],
      answers,
      authorities,
      additionals: [...extra, ...(opt ? [{ type: 'OPT' as const, name: '.', udpPayloadSize: Math.max(MIN_UDP, Math.min(opt.udpPayloadSize ?? MIN_UDP, 4096)) }] : [])],
    };
    return { kind: 'reply', bytes: encodeReply(msg, maxSize), rcode };
  };
  if (q.type === 'AXFR' || q.type === 'IXFR') return reply(RCODE.REFUSED, [], [], [], false);
  const result = lookup(view, o, qname, q.type, o.serial());
  if (result.kind === 'forward') return { kind: 'forward' };
  const soa = () => [{ ...soaRecord(o, o.serial()) }];
  if (result.kind === 'nxdomain') return reply(RCODE.NXDOMAIN, [], soa(), [], true);
  // Records keep the question's spelling of the name, as a resolver compares it case-blind.
  const answers = result.records.map((r) => (r.name === qname ? { ...r, name: q.name.replace(/\.$/, '') } : r));
  if (answers.length === 0) return reply(RCODE.NOERROR, [], soa(), [], true);
  return reply(RCODE.NOERROR, answers, [], result.extra ?? [], true);
}

/** A SERVFAIL for a query whose upstream did not answer. */
export function servfail(buf: Buffer): Buffer {
  return headerOnly(buf, RCODE.SERVFAIL);
}
