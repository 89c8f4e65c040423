/** Request and response types of the ARRI Webgate / Yamdu Orders API, as ARRI's guide documents them. */
export const ARRI_PRODUCTS = ['Starter', 'Commercial', 'Studio', 'Dailies', 'Yamdu FREE', 's', 'm', 'l', 'xl'] as const;
export type ArriProduct = (typeof ARRI_PRODUCTS)[number];

/**
 * pending: received, waiting; packing: being processed ("do not touch");
 * packed: delivered; has_packing_errors: see packing_errors; need_human:
 * cannot be packed automatically, check again later.
 */
export const ARRI_ORDER_STATES = ['pending', 'packing', 'packed', 'has_packing_errors', 'need_human'] as const;
export type ArriOrderState = (typeof ARRI_ORDER_STATES)[number];

/** The attributes that can be POSTed (the guide's second table), inside `{"order": {...}}`. */
export interface ArriOrderRequest {
  product: ArriProduct;
  /** OAuth access token of the client admin; needed with client_id. A secret: never echoed to flows. */
  admin_user_access_token?: string;
  /** An existing client; then admin_user_access_token is needed. */
  client_id?: number;
  /** A new client (no client_id then). */
  client_name?: string;
  /** An existing project of client_id. */
  project_id?: number;
  /** A new project (no project_id then). */
  project_name?: string;
  /** Not implemented by ARRI yet. */
  redirection_uri?: string;
  user_email?: string;
  user_first_name?: string;
  user_last_name?: string;
  user_login?: string;
}

export interface ArriCreateOrderBody {
  order: ArriOrderRequest;
}

/** The attributes shown with GET (the guide's first table). */
export interface ArriOrder {
  order_hash: string;
  admin_user_access_token?: string | null;
  client_id?: number | null;
  client_name?: string | null;
  /** Documented as text; read whatever comes. */
  packing_errors?: unknown;
  product?: string | null;
  project_id?: number | null;
  project_name?: string | null;
  redirection_uri?: string | null;
  state?: ArriOrderState | string | null;
  /** The create answer's example shows `status` (null) where GET documents `state`. */
  status?: string | null;
  user_email?: string | null;
  user_first_name?: string | null;
  user_last_name?: string | null;
  user_login?: string | null;
}

/** Every answer: `{status, status_message, info, data}`, or with `error` when refused (also under HTTP 200). */
export interface ArriEnvelope<T> {
  status: number;
  status_message: string;
  info?: string;
  data?: T;
  error?: Record<string, string[] | string>;
}

export type ArriOrderEnvelope = ArriEnvelope<{ order: ArriOrder }>;

export interface ArriTokenRequest {
  grant_type: 'password';
  username: string;
  password: string;
}

export interface ArriTokenResponse {
  access_token: string;
  token_type?: string;
  /** Seconds the token is still valid (the guide's example: 79427, under the 24 h a token lives). */
  expires_in?: number;
  /** Epoch seconds. */
  created_at?: number;
  /** Returned, but its use is not documented: this package logs in again with the password instead. */
  refresh_token?: string;
  user?: { id?: number; name?: string; email?: string };
}

/** A refused login, which ARRI answers with HTTP 200 (at least for the first three attempts). */
export interface ArriTokenError {
  error: string;
  error_description?: string;
}

export interface ArriClientOptions {
  /**
   * The customer's own Webgate address (`https://<customer>.webgate.io`):
   * OAuth at its root, resources under `/api`. Required: ARRI has no one public host.
   */
  baseUrl?: string;
  /** A static access token; or username + password for the password grant. */
  accessToken?: string;
  username?: string;
  password?: string;
  /**
   * How many refused password logins the client makes with the same
   * credentials before it stops trying (default 1, at most 3: ARRI does not
   * say what happens after the third refusal).
   */
  loginAttempts?: number;
  timeoutMs?: number;
  /** Largest answer read into memory (default: the HTTP layer's). */
  maxResponseBytes?: number;
  /** Clock for token expiry (tests). */
  now?: () => number;
  /** Fetch a new token this long before the old one expires; default 5 minutes. */
  refreshMarginMs?: number;
}
