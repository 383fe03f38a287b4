// CEL for admission (ValidatingAdmissionPolicy validations, messageExpressions, variables,
// auditAnnotations and matchConditions): the CRD rules' environment and library
// (api/apiextensions/schema/cel.ts) with admission's variables and the authorizer library
// (./cel-authz.ts). cel-es has no type checker
// over Kubernetes' types, so compiling is parsing plus upstream's declaration checks: an
// identifier no variable or comprehension declares, `params` without a paramKind and
// `variables.<name>` of a variable not declared before are refused, with cel-go's wording.

import { isCelError, parse } from '@bufbuild/cel';
import { compileRule } from '../apiextensions/schema/cel.ts';
import { AUTHORIZER_CEL_FUNCS } from './cel-authz.ts';

export type AdmissionProgram = (vars: Record<string, unknown>) => unknown;

/** What an expression may reference besides the request's own variables. */
export interface AdmissionScope {
  /** The policy has a paramKind: `params` is declared. */
  params: boolean;
  /** `variables.<name>` declared before this expression (all of them, for validations). */
  variables: readonly string[];
  /** `authorizer` is declared (ValidatingAdmissionPolicy). */
  authorizer?: boolean;
}

/** The variables admission expressions may see (`params`, `authorizer` only when the scope says so). */
export const ADMISSION_VARIABLES = ['object', 'oldObject', 'request', 'namespaceObject', 'params', 'variables', 'authorizer'] as const;

// Type names are identifiers in CEL (`type(x) == string`).
const TYPE_NAMES = new Set(['bool', 'bytes', 'double', 'int', 'list', 'map', 'null_type', 'string', 'type', 'uint', 'dyn']);

interface Node {
  id: bigint;
  exprKind: { case?: string; value?: unknown };
}
interface Problem {
  id: bigint;
  message: string;
}

/** The identifiers an expression uses that nothing declares, and unknown `variables.x`. */
function undeclared(e: Node | undefined, bound: Set<string>, scope: AdmissionScope, out: Problem[]): void {
  if (!e) return;
  const k = e.exprKind;
  switch (k.case) {
    case 'identExpr': {
      const name = (k.value as { name: string }).name;
      const optional = (name === 'params' && !scope.params) || (name === 'authorizer' && !scope.authorizer);
      const declared = bound.has(name) || TYPE_NAMES.has(name) || ((ADMISSION_VARIABLES as readonly string[]).includes(name) && !optional);
      if (!declared) out.push({ id: e.id, message: `undeclared reference to '${name}' (in container '')` });
      return;
    }
    case 'selectExpr': {
      const v = k.value as { operand: Node; field: string };
      const op = v.operand.exprKind;
      if (op.case === 'identExpr' && (op.value as { name: string }).name === 'variables' && !bound.has('variables') && !scope.variables.includes(v.field)) {
        out.push({ id: e.id, message: `undefined field '${v.field}'` });
      }
      return undeclared(v.operand, bound, scope, out);
    }
    case 'callExpr': {
      const v = k.value as { target?: Node; args: Node[] };
      undeclared(v.target, bound, scope, out);
      for (const a of v.args) undeclared(a, bound, scope, out);
      return;
    }
    case 'listExpr':
      for (const x of (k.value as { elements: Node[] }).elements) undeclared(x, bound, scope, out);
      return;
    case 'structExpr':
      for (const en of (k.value as { entries: { keyKind: { case?: string; value?: unknown }; value: Node }[] }).entries) {
        if (en.keyKind.case === 'mapKey') undeclared(en.keyKind.value as Node, bound, scope, out);
        undeclared(en.value, bound, scope, out);
      }
      return;
    case 'comprehensionExpr': {
      const v = k.value as { iterVar: string; iterVar2?: string; accuVar: string; iterRange: Node; accuInit: Node; loopCondition: Node; loopStep: Node; result: Node };
      undeclared(v.iterRange, bound, scope, out);
      undeclared(v.accuInit, bound, scope, out);
      const inner = new Set([...bound, v.iterVar, v.accuVar, ...(v.iterVar2 ? [v.iterVar2] : [])]);
      undeclared(v.loopCondition, inner, scope, out);
      undeclared(v.loopStep, inner, scope, out);
      undeclared(v.result, new Set([...bound, v.accuVar]), scope, out);
      return;
    }
    default:
  }
}

/** cel-go's issue format: `ERROR: <input>:line:col: message`, the line and a caret under the column. */
function issue(expr: string, offset: number, message: string): string {
  const before = [...expr].slice(0, offset).join('');
  const line = before.split('\n').length;
  const col = offset - (before.lastIndexOf('\n') + 1);
  const text = expr.split('\n')[line - 1] ?? '';
  return `ERROR: <input>:${line}:${col + 1}: ${message}\n | ${text}\n | ${'.'.repeat(col)}^`;
}

const compiled = new Map<string, AdmissionProgram | Error>();

/**
 * The program of an admission expression, or an Error whose message is upstream's
 * `compilation failed: ERROR: <input>:1:1: ...`. Cached by scope and text.
 */
export function compileAdmissionExpression(expr: string, scope: AdmissionScope): AdmissionProgram | Error {
  const key = `${scope.params ? 'p' : ''}${scope.authorizer ? 'a' : ''}|${scope.variables.join(',')}|${expr}`;
  let p = compiled.get(key);
  if (p) return p;
  try {
    const parsed = parse(expr);
    const problems: Problem[] = [];
    undeclared(parsed.expr as unknown as Node, new Set(), scope, problems);
    if (problems.length) {
      const positions = parsed.sourceInfo?.positions ?? {};
      const text = problems.map((x) => issue(expr, Number(positions[String(x.id) as unknown as number] ?? 0), x.message)).join('\n');
      p = new Error(`compilation failed: ${text}`);
    } else {
      const prog = compileRule(expr, ADMISSION_VARIABLES, AUTHORIZER_CEL_FUNCS);
      p = prog instanceof Error ? syntaxError(expr, prog) : prog;
    }
  } catch (e) {
    p = syntaxError(expr, e instanceof Error ? e : new Error(String(e)));
  }
  compiled.set(key, p);
  return p;
}

/** cel-es' `<input>:1:7: found ...` as cel-go words a parse failure. */
function syntaxError(expr: string, e: Error): Error {
  const m = /^<input>:(\d+):(\d+): (.*)$/s.exec(e.message);
  if (!m) return new Error(`compilation failed: ERROR: <input>:1:1: Syntax error: ${e.message}`);
  const [, line, col, msg] = m;
  const text = expr.split('\n')[Number(line) - 1] ?? '';
  return new Error(`compilation failed: ERROR: <input>:${line}:${col}: Syntax error: ${msg}\n | ${text}\n | ${'.'.repeat(Math.max(0, Number(col) - 1))}^`);
}

/** What running an admission expression gave: its value, or upstream's error text. */
export type AdmissionOutcome = { value: unknown } | { error: string };

/** Runs a program: a CEL error, or a library function that throws (min() of []), is an error outcome in cel-go's words. */
export function runAdmissionProgram(expr: string, program: AdmissionProgram, vars: Record<string, unknown>): AdmissionOutcome {
  let r: unknown;
  try {
    r = program(vars);
  } catch (e) {
    r = e;
  }
  if (isCelError(r) || r instanceof Error) return { error: `expression '${expr}' resulted in error: ${r.message.replace(/^field not found: /, 'no such key: ')}` };
  return { value: r };
}

/**
 * matchConditions as upstream's matcher (webhooks and policies alike): the first condition
 * that is false (even beside errors); else the errors (one, or bracketed); else true.
 */
export function matchConditions<C extends { expression?: string }>(conditions: readonly C[], evaluate: (expr: string) => AdmissionOutcome): true | Error | { failed: C } {
  const errors: string[] = [];
  for (const c of conditions) {
    const expr = c.expression ?? '';
    const o = evaluate(expr);
    if ('error' in o) errors.push(o.error);
    else if (o.value === false) return { failed: c };
    else if (o.value !== true) errors.push(`expression '${expr}' resulted in error: expected a bool, got ${typeof o.value}`);
  }
  if (errors.length === 1) return new Error(errors[0]);
  if (errors.length) return new Error(`[${errors.join(', ')}]`);
  return true;
}
