// A static estimate of a CEL rule's cost in the spirit of upstream's: comprehensions cost
// their body times the largest size the iterated list or map can have (maxItems /
// maxProperties, else what fits in a 3 MB request), string functions cost by maxLength.
// Rules above RULE_COST_LIMIT are refused when the CRD is written.

import { parse } from '@bufbuild/cel';
import type { JSONSchemaProps } from './types.ts';

/** Upstream's per-rule static budget (StaticEstimatedCostLimit). */
export const RULE_COST_LIMIT = 10_000_000;
const MAX_REQUEST_BYTES = 3 * 1024 * 1024;
/** The smallest JSON an element can take ("",): an unbounded list holds this many. */
const UNBOUNDED_ITEMS = Math.floor(MAX_REQUEST_BYTES / 3);
const STRING_TRAVERSAL = 0.1;
const STRING_FUNCS = new Set(['matches', 'contains', 'startsWith', 'endsWith', 'find', 'findAll', 'indexOf', 'lastIndexOf', 'lowerAscii', 'upperAscii', 'replace', 'split', 'trim', 'substring', 'join']);

interface Node {
  exprKind: { case?: string; value?: unknown };
}
type Scope = Map<string, JSONSchemaProps | undefined>;

function sizeOf(s: JSONSchemaProps | undefined): number {
  if (s?.maxItems !== undefined) return s.maxItems;
  if (s?.maxProperties !== undefined) return s.maxProperties;
  return UNBOUNDED_ITEMS;
}

function lengthOf(s: JSONSchemaProps | undefined): number {
  return s?.maxLength ?? (s?.enum ? Math.max(...s.enum.map((e) => String(e).length)) : MAX_REQUEST_BYTES);
}

function elementSchema(s: JSONSchemaProps | undefined): JSONSchemaProps | undefined {
  if (!s) return undefined;
  if (s.type === 'array') return s.items && !Array.isArray(s.items) ? s.items : undefined;
  // Iterating a map yields its keys.
  return { type: 'string' };
}

/** The schema an expression evaluates to, when it is a path from a variable. */
function schemaOf(e: Node, scope: Scope): JSONSchemaProps | undefined {
  const k = e.exprKind;
  if (k.case === 'identExpr') return scope.get((k.value as { name: string }).name);
  if (k.case === 'selectExpr') {
    const v = k.value as { operand: Node; field: string };
    const parent = schemaOf(v.operand, scope);
    return parent?.properties?.[v.field] ?? (typeof parent?.additionalProperties === 'object' ? parent.additionalProperties : undefined);
  }
  if (k.case === 'callExpr') {
    const v = k.value as { function: string; args: Node[] };
    if (v.function === '_[_]' && v.args[0]) return elementSchema(schemaOf(v.args[0], scope));
  }
  return undefined;
}

function cost(e: Node | undefined, scope: Scope): number {
  if (!e) return 0;
  const k = e.exprKind;
  switch (k.case) {
    case 'selectExpr':
      return 1 + cost((k.value as { operand: Node }).operand, scope);
    case 'callExpr': {
      const v = k.value as { function: string; target?: Node; args: Node[] };
      let c = 1 + cost(v.target, scope) + v.args.reduce((a, x) => a + cost(x, scope), 0);
      if (STRING_FUNCS.has(v.function) && v.target) c += Math.ceil(lengthOf(schemaOf(v.target, scope)) * STRING_TRAVERSAL);
      return c;
    }
    case 'listExpr':
      return 1 + (k.value as { elements: Node[] }).elements.reduce((a, x) => a + cost(x, scope), 0);
    case 'comprehensionExpr': {
      const v = k.value as { iterVar: string; iterRange: Node; accuInit: Node; loopCondition: Node; loopStep: Node; result: Node };
      const range = schemaOf(v.iterRange, scope);
      const inner: Scope = new Map(scope);
      inner.set(v.iterVar, elementSchema(range));
      const body = cost(v.loopCondition, inner) + cost(v.loopStep, inner) + 1;
      return cost(v.iterRange, scope) + cost(v.accuInit, scope) + sizeOf(range) * body + cost(v.result, inner);
    }
    default:
      return 1;
  }
}

/** The estimated cost of `rule` on a node of schema `self`; 0 when it does not parse. */
export function estimateRuleCost(rule: string, self: JSONSchemaProps): number {
  let root: Node;
  try {
    root = parse(rule).expr as unknown as Node;
  } catch {
    return 0;
  }
  return cost(root, new Map([['self', self], ['oldSelf', self]]));
}
