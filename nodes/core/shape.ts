/**
 * One way to declare what a provider's answer looks like, shared by every
 * client: the HTTP layer checks a 2xx answer against its shape before anything
 * reaches a flow, so a body of the wrong shape is an error that names the
 * place where it differs, never a false success.
 *
 * Shapes are tolerant where the providers are: objects keep fields they do
 * not declare, `oneOf` takes the documented variants, `id` takes the string
 * or number a provider may send. A checked value is returned as it came (no
 * copy), unless a shape says how to convert it (`map`).
 */

export class ShapeMismatch extends Error {
  constructor(readonly path: string, readonly expected: string, readonly got: string) {
    super(`${path}: expected ${expected}, got ${got}`);
    this.name = 'ShapeMismatch';
  }
}

export interface Shape<T> {
  /** Short human description, used in messages ("a string", "an array of …"). */
  readonly expected: string;
  /** Returns the value typed, or throws a ShapeMismatch naming `path`. */
  check(value: unknown, path: string): T;
}

export type Infer<S> = S extends Shape<infer T> ? T : never;

/** A bounded rendering of what came instead. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 37)}…` : text}`;
}

function shape<T>(expected: string, test: (value: unknown, path: string) => T): Shape<T> {
  return { expected, check: test };
}

function primitive<T>(expected: string, ok: (v: unknown) => boolean): Shape<T> {
  return shape(expected, (value, path) => {
    if (!ok(value)) throw new ShapeMismatch(path, expected, describeValue(value));
    return value as T;
  });
}

type OptionalKeys<P> = { [K in keyof P]: undefined extends Infer<P[K]> ? K : never }[keyof P];
type RequiredKeys<P> = Exclude<keyof P, OptionalKeys<P>>;
type Simplify<T> = { [K in keyof T]: T[K] } & unknown;
export type ObjectOf<P extends Record<string, Shape<unknown>>> = Simplify<
  { [K in RequiredKeys<P>]: Infer<P[K]> } & { [K in OptionalKeys<P>]?: Infer<P[K]> }
>;

export const s = {
  string: (): Shape<string> => primitive('a string', (v) => typeof v === 'string'),
  /** A string with at least one non-blank character. */
  text: (): Shape<string> => primitive('a non-empty string', (v) => typeof v === 'string' && v.trim() !== ''),
  number: (): Shape<number> => primitive('a number', (v) => typeof v === 'number' && Number.isFinite(v)),
  integer: (): Shape<number> => primitive('an integer', (v) => typeof v === 'number' && Number.isInteger(v)),
  boolean: (): Shape<boolean> => primitive('true or false', (v) => typeof v === 'boolean'),
  /** An identifier that some answers send as a number and others as a string. */
  id: (): Shape<string | number> => primitive('an id (string or number)', (v) => (typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isFinite(v))),
  unknown: (): Shape<unknown> => shape('anything', (v) => v),
  literal<L extends string | number | boolean>(...values: L[]): Shape<L> {
    return primitive(values.map((v) => JSON.stringify(v)).join(' or '), (v) => values.includes(v as L));
  },
  optional<T>(inner: Shape<T>): Shape<T | undefined> {
    return shape(`${inner.expected} (optional)`, (v, path) => (v === undefined ? undefined : inner.check(v, path)));
  },
  nullable<T>(inner: Shape<T>): Shape<T | null> {
    return shape(`${inner.expected} or null`, (v, path) => (v === null ? null : inner.check(v, path)));
  },
  /** Absent or null are both accepted (providers use either for "no value"). */
  maybe<T>(inner: Shape<T>): Shape<T | null | undefined> {
    return shape(`${inner.expected} (optional)`, (v, path) => (v === undefined || v === null ? v : inner.check(v, path)));
  },
  array<T>(item: Shape<T>, min = 0): Shape<T[]> {
    const expected = `an array${min > 0 ? ` of at least ${min}` : ''} of ${item.expected}`;
    return shape(expected, (v, path) => {
      if (!Array.isArray(v) || v.length < min) throw new ShapeMismatch(path, expected, describeValue(v));
      v.forEach((x, i) => item.check(x, `${path}[${i}]`));
      return v as T[];
    });
  },
  /** An object keyed by names the provider chooses (e.g. `{"1": …, "2": …}`). */
  record<T>(item: Shape<T>): Shape<Record<string, T>> {
    return shape(`an object of ${item.expected}`, (v, path) => {
      if (!isObject(v)) throw new ShapeMismatch(path, `an object of ${item.expected}`, describeValue(v));
      for (const [k, x] of Object.entries(v)) item.check(x, `${path}.${k}`);
      return v as Record<string, T>;
    });
  },
  /** An object with at least these fields; fields it does not name are kept. */
  object<P extends Record<string, Shape<unknown>>>(props: P): Shape<ObjectOf<P> & Record<string, unknown>> {
    const expected = `an object with ${Object.keys(props).join(', ') || 'any fields'}`;
    return shape(expected, (v, path) => {
      if (!isObject(v)) throw new ShapeMismatch(path, expected, describeValue(v));
      for (const [k, p] of Object.entries(props)) p.check(v[k], `${path}.${k}`);
      return v as ObjectOf<P> & Record<string, unknown>;
    });
  },
  /** The first documented variant that fits; the message lists them all. */
  oneOf<T extends unknown[]>(...variants: { [K in keyof T]: Shape<T[K]> }): Shape<T[number]> {
    const expected = (variants as Shape<unknown>[]).map((x) => x.expected).join(', or ');
    return shape(expected, (v, path) => {
      const misses: ShapeMismatch[] = [];
      for (const variant of variants as Shape<unknown>[]) {
        try {
          return variant.check(v, path) as T[number];
        } catch (e) {
          if (!(e instanceof ShapeMismatch)) throw e;
          misses.push(e);
        }
      }
      // The variant that got furthest explains the mismatch best.
      const best = misses.sort((a, b) => b.path.length - a.path.length)[0];
      throw best && best.path !== path ? best : new ShapeMismatch(path, expected, describeValue(v));
    });
  },
  /** Checks with `inner`, then converts (e.g. unwraps `{result: […]}`, or reads one of two field names). */
  map<T, U>(inner: Shape<T>, convert: (value: T) => U): Shape<U> {
    return shape(inner.expected, (v, path) => convert(inner.check(v, path)));
  },
  /** A check no combination of the above expresses; `expected` says what `test` wants. */
  refine<T>(inner: Shape<T>, expected: string, test: (value: T) => boolean): Shape<T> {
    return shape(`${inner.expected} (${expected})`, (v, path) => {
      const value = inner.check(v, path);
      if (!test(value)) throw new ShapeMismatch(path, expected, describeValue(v));
      return value;
    });
  },
};

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v);
}
