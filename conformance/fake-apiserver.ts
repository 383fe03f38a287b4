// For tests of the PKI, authn, CLI and harness only: a tiny https server with kubets' TLS
// setup and authn that answers /readyz, /version and SelfSubjectReview (kubectl auth whoami).
// It stands in for server/apiserver/app.ts where a test must not depend on the real app.

import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { authenticate, createAuthnConfig, createHttpsServerOptions, type UserInfo } from '../server/apiserver/authn.ts';
import type { ApiServerOptions, RunningApiServer } from '../server/cli.ts';
import { serverUrl } from '../server/pki/kubeconfig.ts';

function json(status: number, body: unknown): [number, string, string] {
  return [status, 'application/json', JSON.stringify(body)];
}

function route(method: string, path: string, user: UserInfo): [number, string, string] {
  if (path === '/readyz' || path === '/livez' || path === '/healthz') return [200, 'text/plain', 'ok'];
  if (path === '/version') {
    return json(200, { major: '1', minor: '35', gitVersion: 'v1.35.0-kubets.fake', platform: `${process.platform}/${process.arch}` });
  }
  if (method === 'POST' && path === '/apis/authentication.k8s.io/v1/selfsubjectreviews') {
    return json(201, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
      metadata: { creationTimestamp: null },
      status: { userInfo: { username: user.username, uid: user.uid, groups: user.groups, extra: user.extra } },
    });
  }
  if (path === '/whoami') return json(200, user);
  return json(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `${path} not found` });
}

export async function startFakeApiServer(opts: ApiServerOptions): Promise<RunningApiServer> {
  const config = createAuthnConfig({ pki: opts.pki, tokenAuthFile: opts.tokenAuthFile });
  const server = createServer(createHttpsServerOptions(opts.pki), (req, res) => {
    req.resume();
    req.on('end', async () => {
      const user = await authenticate(req, config);
      const [status, type, body] = user
        ? route(req.method ?? 'GET', new URL(req.url ?? '/', 'https://x').pathname, user)
        : json(401, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401, message: 'Unauthorized' });
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.bindAddress, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  opts.log.info('fake apiserver listening', { port });
  return {
    url: serverUrl(opts.bindAddress, port),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
