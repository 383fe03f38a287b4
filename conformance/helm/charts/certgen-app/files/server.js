// The chart's HTTPS server, with the key and certificate the certgen Job made (/tls):
// - POST /validate: an AdmissionReview (admission.k8s.io/v1) answered with the request's uid;
//   a ConfigMap with a data key starting "forbidden" is denied with code 403.
// - GET /apis/GROUP/v1alpha1: discovery for the APIService (one resource, `reviews`), and
//   GET /apis/GROUP/v1alpha1/reviews: a ReviewList counting what /validate allowed and denied.
const https = require('node:https');
const fs = require('node:fs');

const gv = `${process.env.GROUP}/v1alpha1`;
const counts = { allowed: 0, denied: 0 };

function send(res, code, body) {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function review(body) {
  const request = JSON.parse(body).request;
  const obj = request.object || {};
  const bad = Object.keys(obj.data || {}).find((k) => k.startsWith('forbidden'));
  const response = { uid: request.uid, allowed: !bad };
  if (bad) response.status = { code: 403, message: `key "${bad}" is not allowed in ConfigMap "${obj.metadata.name}"` };
  counts[bad ? 'denied' : 'allowed']++;
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

const tls = { key: fs.readFileSync('/tls/tls.key'), cert: fs.readFileSync('/tls/tls.crt') };
https.createServer(tls, (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const path = new URL(req.url, 'https://server').pathname;
    try {
      if (req.method === 'POST' && path === '/validate') return send(res, 200, review(Buffer.concat(chunks).toString()));
      if (req.method === 'GET' && path === `/apis/${gv}`) {
        return send(res, 200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources: [{ name: 'reviews', singularName: 'review', namespaced: false, kind: 'Review', verbs: ['get', 'list'] }] });
      }
      if (req.method === 'GET' && path === `/apis/${gv}/reviews`) {
        const items = Object.entries(counts).map(([name, count]) => ({ apiVersion: gv, kind: 'Review', metadata: { name }, count }));
        return send(res, 200, { apiVersion: gv, kind: 'ReviewList', metadata: {}, items });
      }
      send(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `${path} not found` });
    } catch (e) {
      send(res, 400, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'BadRequest', code: 400, message: String(e) });
    }
  });
}).listen(8443, () => console.log(`serving ${gv} and /validate on 8443`));
