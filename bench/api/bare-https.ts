// A bare Node HTTPS server for bench/api/client-node.ts, run as its own process: kubets' own TLS
// options (createHttpsServerOptions: same key, certificate, CA, client certificates asked for)
// and keep-alive timeout, and nothing of the apiserver behind them. A POST reads its body and is
// answered 201 with a canned Pod (one kubets returned, so the client parses the same bytes);
// anything else 200 with an empty object. Prints its port; argv: pki dir, canned answer file.

import https from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHttpsServerOptions } from '../../server/apiserver/authn.ts';
import type { Pki } from '../../server/pki/index.ts';

const [pkiDir, cannedFile] = process.argv.slice(2);
const read = (f: string) => readFileSync(join(pkiDir, f), 'utf8');
const pki = { servingKey: read('apiserver.key'), servingCert: read('apiserver.crt'), caCert: read('ca.crt') } as Pki;
const canned = readFileSync(cannedFile);

const server = https.createServer(createHttpsServerOptions(pki), (req, res) => {
  req.resume();
  req.on('end', () => {
    const body = req.method === 'POST' ? canned : Buffer.from('{}');
    res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  console.log(typeof addr === 'object' && addr ? addr.port : 0);
});
