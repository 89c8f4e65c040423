/**
 * Probo's documented operations besides orders and uploads, for the generic
 * operation node: the catalogue (`products`, `product`), `configure`,
 * `price` and `cancel`. Names are part of the contract: flows name them in
 * `msg.operation`.
 */
import { Choice, OperationSpec } from '../../core/capabilities';
import { ProboClient, calculationIdOf } from './client';
import { checkOrderRef, checkPriceRequest, checkProductInput, checkProductsInput, ProductsInput } from './validate';
import { ProboCatalogueEntry, ProboOrderRef, ProboPriceRequest } from './types';

const FIELD = 'msg.payload';

/** A product the sandbox knows, fully configured. */
const EXAMPLE_PRODUCT = {
  code: 'banner-510',
  options: [{ code: 'width', value: 100 }, { code: 'height', value: 100 }, { code: 'amount', value: 1 }, { code: 'finishing-all-sides' }, { code: 'cut' }],
};

const products: OperationSpec<ProboClient, ProductsInput> = {
  name: 'products',
  call: 'GET /products',
  changes: false,
  label: { 'en-US': 'Product catalogue', de: 'Produktkatalog', nl: 'Productcatalogus', fr: 'Catalogue des produits' },
  description: {
    'en-US': 'Lists Probo\'s products, one page at a time or every page.',
    de: 'Listet die Produkte von Probo auf, seitenweise oder alle Seiten.',
    nl: 'Geeft de producten van Probo, per pagina of alle pagina\'s.',
    fr: 'Liste les produits de Probo, une page ou toutes les pages.',
  },
  input: {
    'en-US': 'One page: {page?, per_page?, language?, updated_at_from?, updated_at_to?} (dates yyyy-mm-dd; Probo\'s defaults: page 1, 20 per page); empty = the first page. Every page: {all: true, per_page?, language?, max_pages?} (at most 100 pages unless max_pages says otherwise).',
    de: 'Eine Seite: {page?, per_page?, language?, updated_at_from?, updated_at_to?} (Datum yyyy-mm-dd; Vorgaben von Probo: Seite 1, 20 pro Seite); leer = die erste Seite. Alle Seiten: {all: true, per_page?, language?, max_pages?} (höchstens 100 Seiten, außer max_pages sagt anderes).',
    nl: 'Eén pagina: {page?, per_page?, language?, updated_at_from?, updated_at_to?} (datums yyyy-mm-dd; standaard bij Probo: pagina 1, 20 per pagina); leeg = de eerste pagina. Alle pagina\'s: {all: true, per_page?, language?, max_pages?} (hoogstens 100 pagina\'s, tenzij max_pages iets anders zegt).',
    fr: 'Une page : {page?, per_page?, language?, updated_at_from?, updated_at_to?} (dates aaaa-mm-jj ; par défaut chez Probo : page 1, 20 par page) ; vide = la première page. Toutes les pages : {all: true, per_page?, language?, max_pages?} (100 pages au plus, sauf si max_pages dit autrement).',
  },
  output: {
    'en-US': 'msg.payload: Probo\'s answer (one page), or {products, meta, pages, complete} for every page. msg.products: the products ({code, article_group_name, translations, …}), read from "products" or "data". msg.meta: the paging {page, pages, items, per_page}.',
    de: 'msg.payload: die Antwort von Probo (eine Seite) oder {products, meta, pages, complete} für alle Seiten. msg.products: die Produkte ({code, article_group_name, translations, …}), gelesen aus "products" oder "data". msg.meta: die Seitenangaben {page, pages, items, per_page}.',
    nl: 'msg.payload: het antwoord van Probo (één pagina), of {products, meta, pages, complete} voor alle pagina\'s. msg.products: de producten ({code, article_group_name, translations, …}), gelezen uit "products" of "data". msg.meta: de paginering {page, pages, items, per_page}.',
    fr: 'msg.payload : la réponse de Probo (une page), ou {products, meta, pages, complete} pour toutes les pages. msg.products : les produits ({code, article_group_name, translations, …}), lus dans "products" ou "data". msg.meta : la pagination {page, pages, items, per_page}.',
  },
  example: { page: 1, per_page: 20, language: 'en' },
  prepare: (input) => checkProductsInput(input, FIELD),
  async run(client, prepared, signal) {
    if (!prepared.all) {
      const page = await client.products(prepared.query, signal);
      return { payload: page.answer, fields: { products: page.products, meta: page.meta } };
    }
    const { page: _page, ...query } = prepared.query;
    void _page;
    const all = await client.allProducts(query, prepared.maxPages, signal);
    return { payload: { products: all.products, meta: all.meta, pages: all.pages, complete: all.complete }, fields: { products: all.products, meta: all.meta } };
  },
};

const product: OperationSpec<ProboClient, { code: string; language?: string }> = {
  name: 'product',
  call: 'GET /products/product/{code}',
  changes: false,
  choice: { field: 'code', list: 'products' },
  label: { 'en-US': 'Product details', de: 'Produktdetails', nl: 'Productdetails', fr: 'Détails du produit' },
  description: {
    'en-US': 'One product with its option tree: what to choose before configure and price.',
    de: 'Ein Produkt mit seinem Optionsbaum: was vor Konfigurieren und Preis zu wählen ist.',
    nl: 'Eén product met zijn optieboom: wat je kiest vóór configureren en prijs.',
    fr: 'Un produit avec son arbre d\'options : ce qu\'il faut choisir avant de configurer et de calculer le prix.',
  },
  input: {
    'en-US': 'A product code ("banner-510") or {code, language?}. The node\'s product code setting fills code when the payload has none.',
    de: 'Ein Produktcode ("banner-510") oder {code, language?}. Die Produktcode-Einstellung des Nodes füllt code, wenn der Payload keinen hat.',
    nl: 'Een productcode ("banner-510") of {code, language?}. De productcode-instelling van de node vult code aan als de payload er geen heeft.',
    fr: 'Un code produit ("banner-510") ou {code, language?}. Le réglage code produit du nœud remplit code si le payload n\'en a pas.',
  },
  output: {
    'en-US': 'msg.payload: Probo\'s answer. msg.product: the product ({code, translations, article_group_name, options: [...]}).',
    de: 'msg.payload: die Antwort von Probo. msg.product: das Produkt ({code, translations, article_group_name, options: [...]}).',
    nl: 'msg.payload: het antwoord van Probo. msg.product: het product ({code, translations, article_group_name, options: [...]}).',
    fr: 'msg.payload : la réponse de Probo. msg.product : le produit ({code, translations, article_group_name, options: [...]}).',
  },
  example: { code: 'banner-510', language: 'en' },
  prepare: (input) => checkProductInput(input, FIELD),
  async run(client, prepared, signal) {
    const { product: detail, answer } = await client.product(prepared.code, prepared.language, signal);
    return { payload: answer, fields: { product: detail } };
  },
};

const configure: OperationSpec<ProboClient, ProboPriceRequest> = {
  name: 'configure',
  call: 'POST /products/configure',
  changes: false,
  label: { 'en-US': 'Configure products', de: 'Produkte konfigurieren', nl: 'Producten configureren', fr: 'Configurer les produits' },
  description: {
    'en-US': 'Checks a product configuration: which options are chosen, which are still open, whether it can be ordered; a complete one has a calculation_id for the uploader.',
    de: 'Prüft eine Produktkonfiguration: welche Optionen gewählt, welche noch offen sind, ob sie bestellbar ist; eine vollständige hat eine calculation_id für den Uploader.',
    nl: 'Controleert een productconfiguratie: welke opties gekozen zijn, welke nog open, of ze te bestellen is; een volledige heeft een calculation_id voor de uploader.',
    fr: 'Vérifie une configuration de produit : options choisies, options encore ouvertes, commandable ou non ; une configuration complète a un calculation_id pour l\'uploader.',
  },
  input: {
    'en-US': '{products: [{code, options: [{code, value?}]}], language?, deliveries?}',
    de: '{products: [{code, options: [{code, value?}]}], language?, deliveries?}',
    nl: '{products: [{code, options: [{code, value?}]}], language?, deliveries?}',
    fr: '{products: [{code, options: [{code, value?}]}], language?, deliveries?}',
  },
  output: {
    'en-US': 'msg.payload: Probo\'s answer ({products: [{can_order, available_options, selected_options, …}], calculation_id}). msg.can_order: true when every product can be ordered. msg.calculation_id: once the configuration is complete. An incomplete configuration is not an error: Probo answers status "error" and lists the open options.',
    de: 'msg.payload: die Antwort von Probo ({products: [{can_order, available_options, selected_options, …}], calculation_id}). msg.can_order: true, wenn jedes Produkt bestellbar ist. msg.calculation_id: sobald die Konfiguration vollständig ist. Eine unvollständige Konfiguration ist kein Fehler: Probo antwortet status "error" und listet die offenen Optionen.',
    nl: 'msg.payload: het antwoord van Probo ({products: [{can_order, available_options, selected_options, …}], calculation_id}). msg.can_order: true als elk product te bestellen is. msg.calculation_id: zodra de configuratie volledig is. Een onvolledige configuratie is geen fout: Probo antwoordt status "error" en geeft de open opties.',
    fr: 'msg.payload : la réponse de Probo ({products: [{can_order, available_options, selected_options, …}], calculation_id}). msg.can_order : true si chaque produit est commandable. msg.calculation_id : dès que la configuration est complète. Une configuration incomplète n\'est pas une erreur : Probo répond status "error" et liste les options ouvertes.',
  },
  example: { language: 'en', products: [EXAMPLE_PRODUCT] },
  prepare: (input) => checkPriceRequest(input, FIELD, 'configure'),
  async run(client, prepared) {
    const answer = await client.configure(prepared);
    const list = Array.isArray(answer.products) ? answer.products : [];
    const canOrder = list.length > 0 && list.every((p) => p.can_order === true);
    return { payload: answer, fields: { can_order: canOrder, calculation_id: calculationIdOf(answer) } };
  },
};

const price: OperationSpec<ProboClient, ProboPriceRequest> = {
  name: 'price',
  call: 'POST /price',
  changes: false,
  label: { 'en-US': 'Price', de: 'Preis', nl: 'Prijs', fr: 'Prix' },
  description: {
    'en-US': 'Prices products with their delivery options; the answer\'s calculation_id opens an uploader session.',
    de: 'Berechnet Preise für Produkte mit ihren Lieferoptionen; die calculation_id der Antwort öffnet eine Uploader-Sitzung.',
    nl: 'Berekent prijzen van producten met hun leveropties; de calculation_id van het antwoord opent een uploadersessie.',
    fr: 'Calcule le prix des produits avec leurs options de livraison ; le calculation_id de la réponse ouvre une session d\'upload.',
  },
  input: {
    'en-US': '{products: [{code, options: [{code, value?}]} or {customer_code}], deliveries?, language?}',
    de: '{products: [{code, options: [{code, value?}]} oder {customer_code}], deliveries?, language?}',
    nl: '{products: [{code, options: [{code, value?}]} of {customer_code}], deliveries?, language?}',
    fr: '{products: [{code, options: [{code, value?}]} ou {customer_code}], deliveries?, language?}',
  },
  output: {
    'en-US': 'msg.payload: Probo\'s answer. msg.calculation_id: for the uploader session. msg.prices: the price options per production time and delivery (amounts in EUR).',
    de: 'msg.payload: die Antwort von Probo. msg.calculation_id: für die Uploader-Sitzung. msg.prices: die Preisoptionen je Produktionszeit und Lieferung (Beträge in EUR).',
    nl: 'msg.payload: het antwoord van Probo. msg.calculation_id: voor de uploadersessie. msg.prices: de prijsopties per productietijd en levering (bedragen in EUR).',
    fr: 'msg.payload : la réponse de Probo. msg.calculation_id : pour la session d\'upload. msg.prices : les options de prix par délai de production et livraison (montants en EUR).',
  },
  example: { language: 'en', products: [EXAMPLE_PRODUCT] },
  prepare: (input) => checkPriceRequest(input, FIELD),
  async run(client, prepared) {
    const answer = await client.price(prepared);
    return { payload: answer, fields: { calculation_id: calculationIdOf(answer), prices: answer.prices ?? [] } };
  },
};

const cancel: OperationSpec<ProboClient, ProboOrderRef> = {
  name: 'cancel',
  call: 'POST /order/cancel',
  changes: true,
  label: { 'en-US': 'Cancel an order', de: 'Auftrag stornieren', nl: 'Order annuleren', fr: 'Annuler une commande' },
  description: {
    'en-US': 'Cancels an order before production. Sent once: never repeated after it may have reached Probo. Probo refuses (HTTP 400, with its reason) once the order is in production.',
    de: 'Storniert einen Auftrag vor der Produktion. Einmal gesendet: nie wiederholt, nachdem er Probo erreicht haben kann. Probo lehnt ab (HTTP 400, mit Grund), sobald der Auftrag in Produktion ist.',
    nl: 'Annuleert een order vóór de productie. Eén keer verstuurd: nooit herhaald nadat het Probo bereikt kan hebben. Probo weigert (HTTP 400, met reden) zodra de order in productie is.',
    fr: 'Annule une commande avant la production. Envoyé une fois : jamais répété après avoir pu atteindre Probo. Probo refuse (HTTP 400, avec sa raison) dès que la commande est en production.',
  },
  input: {
    'en-US': 'Your order id ("web-1001"), {id} or {supplier_order_number}; place order\'s output ({order: {id}}) works too.',
    de: 'Ihre Auftrags-ID ("web-1001"), {id} oder {supplier_order_number}; die Ausgabe von place order ({order: {id}}) geht auch.',
    nl: 'Uw order-id ("web-1001"), {id} of {supplier_order_number}; de uitvoer van place order ({order: {id}}) werkt ook.',
    fr: 'Votre identifiant de commande ("web-1001"), {id} ou {supplier_order_number} ; la sortie de place order ({order: {id}}) convient aussi.',
  },
  output: {
    'en-US': 'msg.payload: Probo\'s answer {status: "cancelled", message, id}. msg.order: the order as sent ({id} or {supplier_order_number}) with status "canceled". A refusal goes to Catch: msg.error.providerCode "cancel_refused", Probo\'s message in msg.error.providerMessage.',
    de: 'msg.payload: die Antwort von Probo {status: "cancelled", message, id}. msg.order: der Auftrag wie gesendet ({id} oder {supplier_order_number}) mit status "canceled". Eine Ablehnung geht an Catch: msg.error.providerCode "cancel_refused", die Meldung von Probo in msg.error.providerMessage.',
    nl: 'msg.payload: het antwoord van Probo {status: "cancelled", message, id}. msg.order: de order zoals verstuurd ({id} of {supplier_order_number}) met status "canceled". Een weigering gaat naar Catch: msg.error.providerCode "cancel_refused", de melding van Probo in msg.error.providerMessage.',
    fr: 'msg.payload : la réponse de Probo {status: "cancelled", message, id}. msg.order : la commande telle qu\'envoyée ({id} ou {supplier_order_number}) avec status "canceled". Un refus va au Catch : msg.error.providerCode "cancel_refused", le message de Probo dans msg.error.providerMessage.',
  },
  example: { id: 'sandbox-example-1' },
  prepare: (input) => checkOrderRef(input, FIELD),
  async run(client, prepared, signal) {
    const answer = await client.cancelOrder(prepared, signal);
    return { payload: answer, fields: { order: { ...prepared, status: 'canceled' } } };
  },
};

export const PROBO_OPERATIONS = [products, product, configure, price, cancel] as const;

/** Product codes for the editor's live list, with their title where Probo gives one. */
export async function productChoices(client: ProboClient): Promise<Choice[]> {
  const { products: list } = await client.allProducts({ per_page: 100 }, 20);
  return list.map((p) => ({ value: p.code, label: titleOf(p) ? `${p.code} — ${titleOf(p)}` : p.code }));
}

function titleOf(p: ProboCatalogueEntry): string | undefined {
  const t = p.translations;
  if (!t) return undefined;
  const entry = t.en ?? t[Object.keys(t)[0]];
  return typeof entry?.title === 'string' && entry.title !== '' ? entry.title : undefined;
}
