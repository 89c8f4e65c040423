/**
 * Request and response shapes of the Probo API: the white-label uploader
 * (seed 000) plus the public facts of issue 4 (price / configure, order,
 * order status, order callbacks). Field names are Probo's, odd spellings
 * included (`Standard_tiling`). Where the seed shows no answer shape, the
 * fields we rely on are typed and the rest passes through.
 */

/** An option of a product: `{code: "width", value: 100}` or a flag `{code: "cut"}`. */
export interface ProboOption {
  code: string;
  value?: string | number | boolean;
}

export interface ProboProductRequest {
  code: string;
  options: ProboOption[];
}

/** POST /price and POST /products/configure. */
export interface ProboPriceRequest {
  language?: string;
  products: ProboProductRequest[];
  [field: string]: unknown;
}

export type ProboConfigureRequest = ProboPriceRequest;

/** The answer of /price and /products/configure; `calculation_id` feeds the uploader. */
export interface ProboPriceAnswer {
  status?: string;
  calculation_id?: number | string;
  products?: Array<{ code?: string; calculation_id?: number | string; [field: string]: unknown }>;
  [field: string]: unknown;
}

export type ProboConfigureAnswer = ProboPriceAnswer;

/** POST /products/uploader/create, exactly as the seed shows it. */
export interface ProboUploaderCreateRequest {
  calculation_id: number | string;
  callback_url: string;
  /** ISO 639-1 (two letters); overrides the reseller account's default. */
  language?: string;
}

/** The session: store `id` and `external_id` for the order, serve `url` to the end user. */
export interface ProboUploaderSession {
  id: number | string;
  external_id: number | string;
  url: string;
  [field: string]: unknown;
}

export interface ProboUploaderRef {
  id: number | string;
  external_id: number | string;
}

// ---- uploader callback (seed 000, "Response callback") ----

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
  /** Not in the seed's example; read the same way when present. */
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

export interface ProboOrderProduct {
  code: string;
  options: ProboOption[];
  uploaders?: ProboUploaderRef[];
  [field: string]: unknown;
}

export interface ProboAddress {
  company_name?: string;
  first_name?: string;
  last_name?: string;
  street?: string;
  house_number?: string;
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
  shipping_method_preset?: string;
  delivery_date_preset?: string;
  [field: string]: unknown;
}

export type ProboOrderType = 'test' | 'production';

/** POST /order. `id` is the customer's own order id: Probo refuses a repeat. */
export interface ProboOrderRequest {
  id: string | number;
  reference?: string;
  order_type?: ProboOrderType | string;
  callback_url?: string | string[];
  products: ProboOrderProduct[];
  deliveries?: ProboDelivery[];
  [field: string]: unknown;
}

export interface ProboOrderAnswer {
  status?: string;
  message?: string;
  id?: string | number;
  reference?: string;
  [field: string]: unknown;
}

/** Order states; terminal: delivered (done), canceled and not_accepted (failed). */
export type ProboOrderStatusValue =
  | 'queued'
  | 'accepted'
  | 'not_accepted'
  | 'in_production'
  | 'partially_shipped'
  | 'shipped'
  | 'delivered'
  | 'canceled';

export interface ProboShipment {
  carrier?: string;
  tracking_code?: string;
  tracking_url?: string;
  status?: string;
  [field: string]: unknown;
}

/** POST /order/status: at most 5 orders per call. */
export interface ProboOrderStatusRequest {
  orders: Array<{ id: string | number }>;
}

export interface ProboOrderStatus {
  id: string | number;
  status: ProboOrderStatusValue | string;
  reference?: string;
  shipments?: ProboShipment[];
  [field: string]: unknown;
}

/** An order callback: the same facts as a status answer, pushed by Probo. */
export interface ProboOrderCallback {
  id: string | number;
  status: ProboOrderStatusValue | string;
  reference?: string;
  shipments?: ProboShipment[];
  [field: string]: unknown;
}

export type ProboAuthScheme = 'bearer' | 'basic';

export interface ProboClientOptions {
  baseUrl?: string;
  apiKey: string;
  /** `bearer` (default): `Authorization: Bearer <key>`; `basic`: `Authorization: Basic <key>`, the key sent as given. */
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
