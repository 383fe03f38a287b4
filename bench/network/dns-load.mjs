// DNS load generator (plain node, a process of its own): keeps `inflight` A queries for
// `name` outstanding against host:port over UDP for `seconds`; prints {sent, answered, qps}.
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';

const [host, port, name, seconds, inflight] = process.argv.slice(2);
const sock = dgram.createSocket('udp4');
const queries = Array.from({ length: 65536 }, (_, id) => null);
let id = 0, sent = 0, answered = 0;
const end = Date.now() + Number(seconds) * 1000;
const send = () => {
  if (Date.now() >= end) return;
  id = (id + 1) & 0xffff;
  queries[id] ??= dnsPacket.encode({ id, type: 'query', flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: 'A' }] });
  sent++;
  sock.send(queries[id], Number(port), host);
};
sock.on('message', () => {
  answered++;
  send();
});
const t0 = Date.now();
for (let i = 0; i < Number(inflight); i++) send();
// Lost datagrams would shrink the window: top it up every 50 ms.
const topUp = setInterval(() => { for (let i = 0; i < Number(inflight) - (sent - answered); i++) send(); }, 50);
setTimeout(() => {
  clearInterval(topUp);
  sock.close();
  console.log(JSON.stringify({ sent, answered, qps: answered / ((Date.now() - t0) / 1000) }));
}, Number(seconds) * 1000 + 200);
