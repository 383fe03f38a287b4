// Tiny servers and clients for network tests, run inside namespaces with plain `node` (no
// TypeScript, so they start fast):
//   serve <name> <port>...            TCP and UDP on each port; every connection or datagram
//                                     is answered with "<name>" (which pod answered)
//   ask <host> <port> <count> [udp] [timeoutMs]
//                                     count requests one after another; prints one JSON line:
//                                     { "answers": { name: n }, "errors": { code: n } }
import net from 'node:net';
import dgram from 'node:dgram';

const [cmd, ...args] = process.argv.slice(2);

if (cmd === 'serve') {
  const [name, ...ports] = args;
  for (const p of ports.map(Number)) {
    net.createServer((s) => { s.on('error', () => {}); s.end(name); }).listen(p, '0.0.0.0');
    const u = dgram.createSocket('udp4');
    u.on('message', (_m, r) => u.send(name, r.port, r.address));
    u.bind(p, '0.0.0.0');
  }
  console.log('ready');
} else if (cmd === 'ask') {
  const [host, port, count, proto, timeout] = args;
  const ms = Number(timeout ?? 2000);
  const answers = {};
  const errors = {};
  const one = () => new Promise((resolve) => {
    const done = (ok, v) => { (ok ? answers : errors)[v] = ((ok ? answers : errors)[v] ?? 0) + 1; resolve(); };
    if (proto === 'udp') {
      const u = dgram.createSocket('udp4');
      const t = setTimeout(() => { u.close(); done(false, 'TIMEOUT'); }, ms);
      u.on('message', (m) => { clearTimeout(t); u.close(); done(true, m.toString()); });
      u.on('error', (e) => { clearTimeout(t); u.close(); done(false, e.code); });
      u.send('?', Number(port), host);
      return;
    }
    let data = '';
    const s = net.connect(Number(port), host);
    s.setTimeout(ms, () => { s.destroy(); done(false, 'TIMEOUT'); });
    s.on('data', (d) => (data += d));
    s.on('end', () => done(true, data));
    s.on('error', (e) => done(false, e.code));
  });
  for (let i = 0; i < Number(count); i++) await one();
  console.log(JSON.stringify({ answers, errors }));
}
