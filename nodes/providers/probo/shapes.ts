/**
 * The documented shape of every Probo answer, checked by the HTTP layer
 * before anything reaches a flow. Where Probo's pages and its specification
 * (or the clients that talk to the live service) show different forms, each
 * form is accepted.
 */
import { s, Shape } from '../../core/shape';

const message = s.maybe(s.string());

/** POST /order, HTTP 202: `{status: "queued" | "order_queued", message, order: {id, reference}}`. */
export const orderAnswer = s.object({
  status: s.text(),
  message,
  order: s.maybe(s.object({ id: s.id(), reference: s.maybe(s.string()) })),
});

/** One order of POST /order/status; the state is `status_code` (specification) or `status` (live clients). */
const statusEntry = s.refine(
  s.object({ id: s.id(), status_code: s.maybe(s.string()), status: s.maybe(s.string()), order_status: s.maybe(s.string()) }),
  'a state in status_code or status',
  (o) => [o.status_code, o.status, o.order_status].some((v) => typeof v === 'string' && v.trim() !== ''),
);

/** `{status: "ok", message, orders: [...]}`; an order Probo does not know is simply missing (an empty list). */
export const statusAnswer = s.object({ orders: s.array(statusEntry) });

/** POST /order/cancel and /order/release: `{status: "cancelled" | "released", message, id}`. */
export const cancelAnswer = s.object({ status: s.text(), message, id: s.maybe(s.id()) });

const catalogueEntry = s.object({ code: s.text() });
const pageMeta = s.maybe(s.object({ page: s.maybe(s.number()), pages: s.maybe(s.number()), items: s.maybe(s.number()), per_page: s.maybe(s.number()) }));

/** GET /products: the list under `products` (specification) or `data` (live clients). */
export const productsAnswer = s.oneOf(
  s.object({ products: s.array(catalogueEntry), meta: pageMeta }),
  s.object({ data: s.array(catalogueEntry), meta: pageMeta }),
);

const productDetail = s.object({ code: s.text() });

/** GET /products/product/{code}: the product itself, or wrapped in `product` / `data`. */
export const productAnswer = s.oneOf(productDetail, s.object({ product: productDetail }), s.object({ data: productDetail }));

const calculationId = s.maybe(s.id());

/**
 * POST /products/configure: `{products: [{can_order, available_options, selected_options, …}], calculation_id}`.
 * While options are missing Probo may answer `status: "error"` and still list `available_options`.
 */
export const configureAnswer = s.object({
  status: s.maybe(s.string()),
  calculation_id: calculationId,
  products: s.array(s.object({ can_order: s.maybe(s.boolean()), calculation_id: calculationId })),
});

/** POST /price: `{calculation_id, prices: [...]}` (the id was added to the answer in 2020). */
export const priceAnswer = s.refine(
  s.object({
    status: s.maybe(s.string()),
    calculation_id: calculationId,
    prices: s.maybe(s.array(s.object({}))),
    products: s.maybe(s.array(s.object({ calculation_id: calculationId }))),
  }),
  'prices or a calculation_id, or status "error" with a message',
  (a) => Array.isArray(a.prices) || (a.calculation_id !== undefined && a.calculation_id !== null) || (a.status === 'error' && typeof a.message === 'string'),
);

const session = s.object({ id: s.id(), url: s.text(), external_id: s.maybe(s.id()) });

/** POST /products/uploader/create: the guide's `{id, external_id, url}` or the specification's `{uploaders: [{product_id, id, url}]}`. */
export const uploaderAnswer: Shape<Record<string, unknown>> = s.oneOf(
  s.object({ uploaders: s.array(session, 1) }),
  session,
  s.object({ uploader: session }),
  s.object({ data: session }),
);
