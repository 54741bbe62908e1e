// Query strings, parsed once for every route (Fastify's querystringParser): one string per name,
// never an array or an object. Fastify's default parser made `?q=a&q=b` an array, which route code
// written for strings then threw on (a 500 with a TypeError). A repeated name, or one with
// brackets (`a[]=`, `a[b]=`, arrays and objects to qs-style parsers and to some proxies in
// front), is recorded as the query's problem instead, and every /api route answers it with 400
// naming the parameter before the route reads its query. /dicom-web reads its query from the raw
// URL (a repeated includefield is QIDO's own syntax), never from this object.
import type { FastifyInstance } from 'fastify';

export const QUERY_PROBLEM: unique symbol = Symbol('query problem');

export type ParsedQuery = Record<string, string> & { [QUERY_PROBLEM]?: string };

const NAME_SHOWN_MAX = 64;

function shown(name: string): string {
  return JSON.stringify(name.length > NAME_SHOWN_MAX ? `${name.slice(0, NAME_SHOWN_MAX)}…` : name);
}

/** raw: the part after `?`. A query with a problem has no parameters, only the problem. */
export function parseQueryString(raw: string): ParsedQuery {
  // No prototype: a parameter named __proto__ or constructor is just a name.
  const out = Object.create(null) as ParsedQuery;
  if (raw.length === 0) return out;
  for (const [name, value] of new URLSearchParams(raw)) {
    let problem: string | null = null;
    if (name === '') problem = 'a query parameter has no name';
    else if (name.includes('[') || name.includes(']')) problem = `the query parameter ${shown(name)} is not a plain name: arrays and objects are not taken`;
    else if (Object.hasOwn(out, name)) problem = `the query parameter ${shown(name)} is given more than once`;
    if (problem !== null) {
      const refused = Object.create(null) as ParsedQuery;
      refused[QUERY_PROBLEM] = problem;
      return refused;
    }
    out[name] = value;
  }
  return out;
}

export function isApiRoute(route: string | undefined): boolean {
  return route !== undefined && (route === '/api' || route.startsWith('/api/'));
}

/** 400 `{"error"}` for an /api request whose query has a problem. After the session and role
 * checks (onRequest), so that a caller learns nothing new from it; before any handler. */
export function refuseBadQueries(app: FastifyInstance): void {
  app.addHook('preValidation', async (request, reply) => {
    if (!isApiRoute(request.routeOptions.url)) return;
    const problem = (request.query as ParsedQuery | undefined)?.[QUERY_PROBLEM];
    if (problem !== undefined) return reply.code(400).type('application/json').send({ error: problem });
  });
}
