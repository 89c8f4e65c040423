/** Probo requests the tests share: a fully configured product and a complete order. */
import { ProboOrderRequest } from '../../nodes/providers/probo/types';

export const PROBO_PRODUCT = {
  code: 'banner-510',
  options: [{ code: 'width', value: 100 }, { code: 'height', value: 100 }, { code: 'amount', value: 1 }, { code: 'finishing-all-sides' }, { code: 'cut' }],
};

export const PROBO_DELIVERY = {
  address: { first_name: 'Sam', last_name: 'Sandbox', street: 'Teststraat', house_number: '1', postal_code: '1234AB', city: 'Utrecht', country: 'NL' },
  delivery_date_preset: 'cheapest',
  shipping_method_preset: 'cheapest',
};

/** A complete order body (id, reference, products, deliveries), with changes. */
export function proboOrder(id: string, extra: Partial<ProboOrderRequest> & Record<string, unknown> = {}): ProboOrderRequest {
  return { id, reference: `ref-${id}`, products: [{ ...PROBO_PRODUCT }], deliveries: [PROBO_DELIVERY], ...extra };
}
