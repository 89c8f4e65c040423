/**
 * Request and answer shapes of the Probo API, as Probo's guides and its
 * Reseller API specification publish them (uploader, catalogue, configure,
 * price, order, order status, cancel, release, callbacks). Field names are
 * Probo's, odd spellings included (`Standard_tiling`). Answers keep every
 * field they carry; the ones typed here are the ones the package reads.
 */
import { ProboOrderState } from './states';

/** An option of a product: `{code: "width", value: 100}` or a flag `{code: "cut"}`. */
export interface ProboOption {
  code: string;
  value?: string | number | null;
}

/** A configurable product by `code`, or an "API product" saved in the webshop by `customer_code`. */
export interface ProboProductRequest {
  code?: string;
  customer_code?: string;
  options?: ProboOption[];
  [field: string]: unknown;
}

/** POST /price and POST /products/configure. */
export interface ProboPriceRequest {
  language?: string;
  products: ProboProductRequest[];
  deliveries?: ProboDelivery[];
  [field: string]: unknown;
}

export type ProboConfigureRequest = ProboPriceRequest;

/** The answer of /price and /products/configure; `calculation_id` feeds the uploader. */
export interface ProboPriceAnswer {
  status?: string;
  message?: string;
  calculation_id?: number | string | null;
  prices?: Array<Record<string, unknown>> | null;
  products?: Array<{ code?: string; can_order?: boolean; calculation_id?: number | string; [field: string]: unknown }> | null;
  [field: string]: unknown;
}

export type ProboConfigureAnswer = ProboPriceAnswer;

/** GET /products: one page of the catalogue. */
export interface ProboProductsQuery {
  page?: number;
  per_page?: number;
  language?: string;
  updated_at_from?: string;
  updated_at_to?: string;
}

export interface ProboCatalogueEntry {
  code: string;
  article_group_name?: string;
  unit_code?: string;
  translations?: Record<string, { title?: string; description?: string; [field: string]: unknown }>;
  [field: string]: unknown;
}

export interface ProboPageMeta {
  page?: number;
  pages?: number;
  items?: number;
  per_page?: number;
  [field: string]: unknown;
}

/** One page as read: the list under `products` (specification) or `data` (what live clients see). */
export interface ProboProductsPage {
  products: ProboCatalogueEntry[];
  meta?: ProboPageMeta;
  /** Probo's answer as it came. */
  answer: Record<string, unknown>;
}

/** GET /products/product/{code}. */
export interface ProboProductDetail {
  code: string;
  options?: unknown[];
  [field: string]: unknown;
}

/** POST /products/uploader/create, as the uploader guide shows it. */
export interface ProboUploaderCreateRequest {
  calculation_id: number | string;
  callback_url: string;
  /** ISO 639-1 (two letters); overrides the reseller account's default. */
  language?: string;
}

/**
 * One uploader session. The guide's answer carries `id`, `external_id` and
 * `url`; the specification's lists sessions under `uploaders` without
 * `external_id` (then it comes with the uploader callback).
 */
export interface ProboUploaderSession {
  id: number | string;
  external_id?: number | string;
  url: string;
  product_id?: number | string;
  [field: string]: unknown;
}

/** The create answer, read in either documented form. */
export interface ProboUploaderCreated {
  /** The first (usually the only) session. */
  session: ProboUploaderSession;
  sessions: ProboUploaderSession[];
  /** Probo's answer as it came. */
  answer: Record<string, unknown>;
}

export interface ProboUploaderRef {
  id: number | string;
  external_id: number | string;
}

// ---- uploader callback (the uploader guide's "Response callback") ----

export interface ProboUploadedFile {
  status: string;
  preview_url: string;
  preview_medium_url: string;
  original_file_url: string;
  production_file_url: string;
  file_name: string;
  original_file_hash: string;
  size_in_bytes: number;
  dpi: number;
  page: number;
  is_booklet: boolean;
}

export interface ProboCustomOptions {
  format: string;
  mirror: boolean;
  rotation: number;
}

export interface ProboProductSide {
  file: ProboUploadedFile;
  /** e.g. `wrong_size`. */
  warnings: string[];
  dpi: number;
  custom_options: ProboCustomOptions;
}

export interface ProboCallbackProduct {
  tiling_format: string;
  tiles_horizontal: number;
  tiles_vertical: number;
  tiles: unknown[];
  id: number;
  front_side: ProboProductSide;
  /** Not in the guide's example; read the same way when present. */
  back_side?: ProboProductSide;
  amount: number;
}

export type ProboUploaderStatus = 'confirmed' | 'processed';

export interface ProboUploaderCallback {
  status: ProboUploaderStatus | string;
  products: ProboCallbackProduct[];
  /** Spelled with a capital S by Probo. */
  Standard_tiling: string;
  tiling_format: string;
  id: number;
  external_id: number;
  variable_data: boolean;
}

// ---- orders ----

export interface ProboFile {
  uri?: string;
  id?: number;
  page?: number;
  side?: 'front' | 'back';
  amount?: number;
  [field: string]: unknown;
}

export interface ProboOrderProduct extends ProboProductRequest {
  reference?: string;
  files?: ProboFile[];
  uploaders?: ProboUploaderRef[];
  /** Probo opens the upload sessions after the order is posted (only without files). */
  uploader?: boolean;
}

export interface ProboAddress {
  company_name?: string;
  first_name?: string;
  last_name?: string;
  street?: string;
  house_number?: string | number;
  addition?: string;
  postal_code?: string;
  city?: string;
  country?: string;
  phone?: string;
  email?: string;
  [field: string]: unknown;
}

export interface ProboDelivery {
  address?: ProboAddress;
  delivery_date?: string;
  delivery_date_preset?: string;
  shipping_date?: string;
  shipping_method_code?: string;
  shipping_method_preset?: string;
  [field: string]: unknown;
}

export type ProboOrderType = 'test' | 'production';

/** POST /order. `id` is the reseller's own order id (letters, digits, `_`, `-`), unique per order. */
export interface ProboOrderRequest {
  id: string | number;
  reference: string;
  order_type?: ProboOrderType;
  /** Where Probo posts every status change. */
  callback_urls?: string[];
  /**
   * Accepted from a flow and sent as `callback_urls` (the first sentence of
   * Probo's callback guide, and some clients, use this name).
   */
  callback_url?: string | string[];
  error_email_addresses?: string[];
  contact_email?: string;
  products: ProboOrderProduct[];
  deliveries: ProboDelivery[];
  [field: string]: unknown;
}

/** An order checked once and ready to send as it is (`callback_urls`, `order_type` settled). */
export type ProboPreparedOrder = Omit<ProboOrderRequest, 'callback_url'>;

/** The HTTP 202 answer: the order is queued; Probo's checks (files, a repeated id) come later. */
export interface ProboOrderAnswer {
  /** `queued` (older answers: `order_queued`). */
  status: string;
  message?: string | null;
  order?: { id: string | number; reference?: string | null; [field: string]: unknown } | null;
  [field: string]: unknown;
}

/** POST /order/status: 1 to 5 orders per call. */
export interface ProboOrderStatusRequest {
  orders: Array<{ id: string | number } | { supplier_order_number: string | number }>;
}

export interface ProboPackage {
  id?: number | string;
  status_code?: string;
  tracking_url?: string;
  tracking_code?: string;
  [field: string]: unknown;
}

/** One order of a status answer; its state is read from `status_code` (specification) or `status`. */
export interface ProboOrderStatus {
  id: string | number;
  /** The normalized state (`order_` prefix dropped). */
  status: ProboOrderState | string;
  /** The entry as Probo sent it. */
  raw: Record<string, unknown>;
}

/** POST /order/cancel and /order/release: by your id or by Probo's number. */
export type ProboOrderRef = { id: string | number } | { supplier_order_number: string | number };

export interface ProboCancelAnswer {
  /** `cancelled` / `released`. */
  status: string;
  message?: string | null;
  id?: string | number | null;
  [field: string]: unknown;
}

/** An order callback, as Probo's callback guide shows it. */
export interface ProboOrderCallback {
  status: string;
  message?: string;
  order: { id: string | number; supplier_order_number?: number; reference?: string };
  file?: { id: number | string };
  [field: string]: unknown;
}

export type ProboAuthScheme = 'bearer' | 'basic';

export interface ProboClientOptions {
  baseUrl?: string;
  apiKey: string;
  /** `basic` (default, what live clients send): `Authorization: Basic <key>`, the key as given; `bearer`: `Authorization: Bearer <key>`. */
  authScheme?: ProboAuthScheme;
  /** Adds `order_type: "test"` to orders that do not set one. Default true. */
  testMode?: boolean;
  timeoutMs?: number;
  /** Largest answer read into memory (default: the HTTP layer's). */
  maxResponseBytes?: number;
  /** Attempts for reads and 429s (default 4). */
  attempts?: number;
  /** Longest wait for the quota to reset before giving up (default 65 s). */
  maxQuotaWaitMs?: number;
}
