// The authorizer chain, in upstream's order: members of system:masters may do anything (the
// privileged-group authorizer), then each configured authorizer (Node, RBAC) in turn; the
// first to allow or deny decides, and no opinion from all of them denies.

import type { Attributes, Authorizer, AuthorizerResult } from './attributes.ts';

export const PRIVILEGED_GROUP = 'system:masters';

const privileged: Authorizer = {
  authorize: (a) => (a.user.groups.includes(PRIVILEGED_GROUP) ? { decision: 'allow', reason: '' } : { decision: 'no-opinion', reason: '' }),
};

/** Chains authorizers; anything but 'allow' refuses the request ('no-opinion' from all of them included). */
export function authorizerChain(members: Authorizer[]): Authorizer {
  const all = [privileged, ...members];
  return {
    authorize(a: Attributes): AuthorizerResult {
      const reasons: string[] = [];
      for (const m of all) {
        const r = m.authorize(a);
        if (r.decision !== 'no-opinion') return r;
        if (r.reason) reasons.push(r.reason);
      }
      return { decision: 'no-opinion', reason: reasons.join(', ') };
    },
  };
}
