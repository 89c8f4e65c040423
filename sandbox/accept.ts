/** Content negotiation for the emulations that honour a request's Accept header. */

/** Whether an Accept header (absent: anything) takes `type`, e.g. application/pdf; a range with q=0 refuses. */
export function accepts(header: string | undefined, type: string): boolean {
  if (!header) return true;
  const [major] = type.split('/');
  return header.split(',').some((part) => {
    const [range, ...params] = part.trim().toLowerCase().split(';');
    if (params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p))) return false;
    return range === '*/*' || range === `${major}/*` || range === type;
  });
}
