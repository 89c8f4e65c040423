/**
 * The Planviewer operations the operation node offers: every documented call
 * that is not an order, a status read or a result download. Names are part of
 * the contract (flows name them in msg.operation).
 */
import { OperationSpec } from '../../core/capabilities';
import { PlanviewerClient } from './client';
import { intentionsRequest, oneJobUuid, searchRequest, selectRequest } from './inputs';
import { PlanviewerIntentionsRequest, PlanviewerSearchRequest } from './types';

type Spec<P> = OperationSpec<PlanviewerClient, P>;

/** The documentation's example jobs, which the sandbox also knows. */
const EXAMPLE_WAITING_JOB = 'e0ff72f8-ed75-44f8-8bff-d31a7088acc2';
const EXAMPLE_FINISHED_JOB = '9dee3afd-3079-47e0-91f1-ab6e1d58f11a';
const EXAMPLE_LOCATION = '9d3e1336-4093-4825-abde-46346805abb2';

const products: Spec<null> = {
  name: 'products',
  call: 'GET /product_api/v1/products/list',
  changes: false,
  label: { 'en-US': 'List products', de: 'Produkte auflisten', nl: 'Producten opvragen', fr: 'Lister les produits' },
  description: {
    'en-US': 'The products this account can order, each with its slug (the code intentions ask for) and name.',
    de: 'Die Produkte, die dieses Konto bestellen kann, jeweils mit Slug (dem Code, den „intentions“ braucht) und Namen.',
    nl: 'De producten die dit account kan bestellen, elk met zijn slug (de code die "intentions" vraagt) en naam.',
    fr: 'Les produits que ce compte peut commander, chacun avec son slug (le code que demande « intentions ») et son nom.',
  },
  input: { 'en-US': 'Nothing (msg.payload is ignored).', de: 'Nichts (msg.payload wird nicht gelesen).', nl: 'Niets (msg.payload wordt genegeerd).', fr: 'Rien (msg.payload est ignoré).' },
  output: {
    'en-US': 'msg.payload: [{slug, name}]. msg.products: the slugs.',
    de: 'msg.payload: [{slug, name}]. msg.products: die Slugs.',
    nl: 'msg.payload: [{slug, name}]. msg.products: de slugs.',
    fr: 'msg.payload : [{slug, name}]. msg.products : les slugs.',
  },
  example: {},
  prepare: () => null,
  async run(client) {
    const list = await client.listProducts();
    return { payload: list, fields: { products: list.map((p) => p.slug) } };
  },
};

const search: Spec<PlanviewerSearchRequest> = {
  name: 'search',
  call: 'POST /product_api/v1/search/structured',
  changes: false,
  label: { 'en-US': 'Search a location', de: 'Ort suchen', nl: 'Locatie zoeken', fr: 'Chercher un lieu' },
  description: {
    'en-US': 'Finds addresses (adres) or lots (perceel) for a structured query. The answer is sorted by score, best first; a score only compares results of the same answer.',
    de: 'Findet Adressen (adres) oder Flurstücke (perceel) zu einer strukturierten Abfrage. Die Antwort ist nach Score sortiert, der beste zuerst; ein Score vergleicht nur Ergebnisse derselben Antwort.',
    nl: 'Vindt adressen (adres) of percelen (perceel) bij een gestructureerde zoekvraag. Het antwoord is gesorteerd op score, de beste eerst; een score vergelijkt alleen resultaten van hetzelfde antwoord.',
    fr: 'Trouve des adresses (adres) ou des parcelles (perceel) pour une requête structurée. La réponse est triée par score, le meilleur d’abord ; un score ne compare que les résultats d’une même réponse.',
  },
  input: {
    'en-US': 'The documented body {entity: "adres" | "perceel", query} (query of type bool, field or dis-max), or the shorthand {postcode, housenumber, suffix?}, which becomes a bool query on postcode, huisnummer and huisletter (one letter) or huisnummertoevoeging. A house number written with its letter ("8a") is read as number and suffix.',
    de: 'Der dokumentierte Body {entity: "adres" | "perceel", query} (Abfrage vom Typ bool, field oder dis-max) oder die Kurzform {postcode, housenumber, suffix?}, die zu einer bool-Abfrage auf postcode, huisnummer und huisletter (ein Buchstabe) oder huisnummertoevoeging wird. Eine Hausnummer mit Buchstabe („8a“) wird als Nummer und Zusatz gelesen.',
    nl: 'De gedocumenteerde body {entity: "adres" | "perceel", query} (zoekvraag van het type bool, field of dis-max), of de verkorte vorm {postcode, housenumber, suffix?}, die een bool-zoekvraag wordt op postcode, huisnummer en huisletter (één letter) of huisnummertoevoeging. Een huisnummer met letter ("8a") wordt gelezen als nummer en toevoeging.',
    fr: 'Le corps documenté {entity: "adres" | "perceel", query} (requête de type bool, field ou dis-max), ou la forme courte {postcode, housenumber, suffix?}, qui devient une requête bool sur postcode, huisnummer et huisletter (une lettre) ou huisnummertoevoeging. Un numéro écrit avec sa lettre (« 8a ») est lu comme numéro et complément.',
  },
  output: {
    'en-US': 'msg.payload: [{score, uuid, title, properties}]. msg.locations: the location uuids, best score first.',
    de: 'msg.payload: [{score, uuid, title, properties}]. msg.locations: die uuids der Orte, bester Score zuerst.',
    nl: 'msg.payload: [{score, uuid, title, properties}]. msg.locations: de uuids van de locaties, beste score eerst.',
    fr: 'msg.payload : [{score, uuid, title, properties}]. msg.locations : les uuid des lieux, meilleur score d’abord.',
  },
  example: { postcode: '6512EX', housenumber: 2 },
  prepare: searchRequest,
  async run(client, request) {
    const found = await client.search(request);
    const best = found.map((l, i) => ({ l, i })).sort((a, b) => b.l.score - a.l.score || a.i - b.i);
    return { payload: found, fields: { locations: best.map((x) => x.l.uuid) } };
  },
};

const intentions: Spec<PlanviewerIntentionsRequest> = {
  name: 'intentions',
  call: 'POST /product_api/v1/intentions/list',
  changes: false,
  choice: { field: 'products', list: 'products', many: true },
  label: { 'en-US': 'List product intentions', de: 'Produktabsichten auflisten', nl: 'Productintenties opvragen', fr: 'Lister les intentions de produit' },
  description: {
    'en-US': 'What can be ordered for these locations and products: one product intention per thing to order. An empty answer means nothing is available.',
    de: 'Was für diese Orte und Produkte bestellt werden kann: eine Produktabsicht je bestellbarem Ergebnis. Eine leere Antwort heißt, dass nichts verfügbar ist.',
    nl: 'Wat voor deze locaties en producten besteld kan worden: één productintentie per te bestellen resultaat. Een leeg antwoord betekent dat er niets beschikbaar is.',
    fr: 'Ce qui peut être commandé pour ces lieux et produits : une intention de produit par résultat commandable. Une réponse vide signifie que rien n’est disponible.',
  },
  input: {
    'en-US': '{uuids: [location uuid], products: [product slug]}. The node\'s product setting fills products when the payload has none.',
    de: '{uuids: [Orts-uuid], products: [Produkt-Slug]}. Die Produkt-Einstellung des Nodes füllt products, wenn der Payload keine hat.',
    nl: '{uuids: [locatie-uuid], products: [product-slug]}. De productinstelling van de node vult products aan als de payload er geen heeft.',
    fr: '{uuids: [uuid du lieu], products: [slug du produit]}. Le réglage produit du nœud remplit products si le payload n’en a pas.',
  },
  output: {
    'en-US': 'msg.payload: [{uuid: location uuid, intentions: [{uuid, product, properties}]}]. msg.intentions: the intention uuids, ready for place order.',
    de: 'msg.payload: [{uuid: Orts-uuid, intentions: [{uuid, product, properties}]}]. msg.intentions: die uuids der Absichten, bereit für „place order“.',
    nl: 'msg.payload: [{uuid: locatie-uuid, intentions: [{uuid, product, properties}]}]. msg.intentions: de uuids van de intenties, klaar voor "place order".',
    fr: 'msg.payload : [{uuid: uuid du lieu, intentions: [{uuid, product, properties}]}]. msg.intentions : les uuid des intentions, prêts pour « place order ».',
  },
  example: { uuids: [EXAMPLE_LOCATION], products: ['bestemmingsplanrapport'] },
  prepare: intentionsRequest,
  async run(client, request) {
    const list = await client.listIntentions(request);
    return { payload: list, fields: { intentions: list.flatMap((l) => l.intentions.map((i) => i.uuid)) } };
  },
};

const waiting: Spec<string> = {
  name: 'waiting',
  call: 'GET /product_api/v1/kik/waiting/{job uuid}',
  changes: false,
  label: { 'en-US': 'Choices of a waiting job', de: 'Auswahl eines wartenden Jobs', nl: 'Keuzes van een wachtende job', fr: 'Choix d’un job en attente' },
  description: {
    'en-US': 'Some Kadaster products stop in status "waiting for user" until one of several related locations (e.g. two parcels of one address) is chosen. Lists those locations; answer with the operation "select".',
    de: 'Manche Kataster-Produkte halten im Status „waiting for user“, bis einer von mehreren zugehörigen Orten (z. B. zwei Flurstücke einer Adresse) gewählt ist. Listet diese Orte; antworten Sie mit der Operation „select“.',
    nl: 'Sommige Kadasterproducten stoppen in de status "waiting for user" tot een van meerdere bijbehorende locaties (bijv. twee percelen van één adres) gekozen is. Geeft die locaties; antwoord met de operatie "select".',
    fr: 'Certains produits du cadastre s’arrêtent au statut « waiting for user » jusqu’à ce qu’un lieu parmi plusieurs (p. ex. deux parcelles d’une adresse) soit choisi. Liste ces lieux ; répondez avec l’opération « select ».',
  },
  input: {
    'en-US': 'The job uuid: a string, {uuid}, {job: {uuid}}, or what poll status sends on its second output.',
    de: 'Die Job-uuid: ein String, {uuid}, {job: {uuid}} oder was „poll status“ an seinem zweiten Ausgang sendet.',
    nl: 'De job-uuid: een string, {uuid}, {job: {uuid}}, of wat "poll status" op zijn tweede uitgang stuurt.',
    fr: 'L’uuid du job : une chaîne, {uuid}, {job: {uuid}}, ou ce que « poll status » envoie sur sa deuxième sortie.',
  },
  output: {
    'en-US': 'msg.payload: {locaties: {"1": …, "2": …}, message}. msg.choices: [{index, label}] by index. msg.jobId: the job.',
    de: 'msg.payload: {locaties: {"1": …, "2": …}, message}. msg.choices: [{index, label}] nach Index. msg.jobId: der Job.',
    nl: 'msg.payload: {locaties: {"1": …, "2": …}, message}. msg.choices: [{index, label}] op index. msg.jobId: de job.',
    fr: 'msg.payload : {locaties: {"1": …, "2": …}, message}. msg.choices : [{index, label}] par index. msg.jobId : le job.',
  },
  example: EXAMPLE_WAITING_JOB,
  prepare: (input) => oneJobUuid(input),
  async run(client, uuid) {
    const answer = await client.waiting(uuid);
    const choices = Object.entries(answer.locaties)
      .map(([index, label]) => ({ index: Number(index), label }))
      .sort((a, b) => a.index - b.index);
    return { payload: answer, fields: { choices, jobId: uuid } };
  },
};

const select: Spec<{ uuid: string; select: number[] }> = {
  name: 'select',
  call: 'POST /product_api/v1/kik/select/{job uuid}',
  changes: true,
  label: { 'en-US': 'Choose for a waiting job', de: 'Für einen wartenden Job wählen', nl: 'Kiezen voor een wachtende job', fr: 'Choisir pour un job en attente' },
  description: {
    'en-US': 'Answers a job in "waiting for user" with the index of one location from "waiting"; the job then continues: watch it again with poll status. Sent once and guarded like an order.',
    de: 'Beantwortet einen Job in „waiting for user“ mit dem Index eines Ortes aus „waiting“; danach läuft der Job weiter: mit „poll status“ wieder beobachten. Wird einmal gesendet und wie eine Bestellung geschützt.',
    nl: 'Beantwoordt een job in "waiting for user" met de index van een locatie uit "waiting"; daarna gaat de job verder: volg hem weer met "poll status". Wordt één keer verstuurd en bewaakt als een bestelling.',
    fr: 'Répond à un job en « waiting for user » avec l’index d’un lieu de « waiting » ; le job continue ensuite : suivez-le à nouveau avec « poll status ». Envoyé une seule fois et protégé comme une commande.',
  },
  input: {
    'en-US': '{uuid: job uuid, select: index} (index as in msg.choices; [index] works too). Sent as {select: [index]}.',
    de: '{uuid: Job-uuid, select: Index} (Index wie in msg.choices; [Index] geht auch). Gesendet als {select: [Index]}.',
    nl: '{uuid: job-uuid, select: index} (index zoals in msg.choices; [index] kan ook). Verstuurd als {select: [index]}.',
    fr: '{uuid: uuid du job, select: index} (index comme dans msg.choices ; [index] fonctionne aussi). Envoyé comme {select: [index]}.',
  },
  output: {
    'en-US': 'msg.payload: Planviewer\'s answer (its documentation does not show it: any 2xx body, parsed when it is JSON). msg.jobId: the job, to watch again with poll status.',
    de: 'msg.payload: die Antwort von Planviewer (seine Dokumentation zeigt sie nicht: jeder 2xx-Body, als JSON gelesen, wenn er JSON ist). msg.jobId: der Job, für „poll status“.',
    nl: 'msg.payload: het antwoord van Planviewer (de documentatie toont het niet: elke 2xx-body, als JSON gelezen als het JSON is). msg.jobId: de job, om weer te volgen met "poll status".',
    fr: 'msg.payload : la réponse de Planviewer (sa documentation ne la montre pas : tout corps 2xx, lu comme JSON s’il en est). msg.jobId : le job, à suivre à nouveau avec « poll status ».',
  },
  example: { uuid: EXAMPLE_WAITING_JOB, select: 1 },
  prepare: selectRequest,
  async run(client, request) {
    const answer = await client.select(request.uuid, request.select);
    return { payload: answer, fields: { jobId: request.uuid } };
  },
};

const documents: Spec<string> = {
  name: 'documents',
  call: 'GET /product_api/v1/documents/list/{uuid}',
  changes: false,
  label: { 'en-US': 'Linked documents', de: 'Verknüpfte Dokumente', nl: 'Gekoppelde documenten', fr: 'Documents liés' },
  description: {
    'en-US': 'The documents linked to a Kadaster product order (follow-up documents that can be ordered separately).',
    de: 'Die Dokumente, die mit einer Kataster-Produktbestellung verknüpft sind (Folgedokumente, die einzeln bestellt werden können).',
    nl: 'De documenten die aan een bestelling van een Kadasterproduct gekoppeld zijn (vervolgdocumenten die apart besteld kunnen worden).',
    fr: 'Les documents liés à une commande de produit du cadastre (documents de suivi commandables séparément).',
  },
  input: {
    'en-US': 'The uuid of the order (its job): a string, {uuid} or {job: {uuid}}.',
    de: 'Die uuid der Bestellung (ihres Jobs): ein String, {uuid} oder {job: {uuid}}.',
    nl: 'De uuid van de bestelling (haar job): een string, {uuid} of {job: {uuid}}.',
    fr: 'L’uuid de la commande (son job) : une chaîne, {uuid} ou {job: {uuid}}.',
  },
  output: {
    'en-US': 'msg.payload: [{identificatie, aard, IngeschrevenOp, documentwaardes}]. msg.documents: the identificaties.',
    de: 'msg.payload: [{identificatie, aard, IngeschrevenOp, documentwaardes}]. msg.documents: die identificaties.',
    nl: 'msg.payload: [{identificatie, aard, IngeschrevenOp, documentwaardes}]. msg.documents: de identificaties.',
    fr: 'msg.payload : [{identificatie, aard, IngeschrevenOp, documentwaardes}]. msg.documents : les identificaties.',
  },
  example: EXAMPLE_FINISHED_JOB,
  prepare: (input) => oneJobUuid(input),
  async run(client, uuid) {
    const list = await client.listDocuments(uuid);
    return { payload: list, fields: { documents: list.map((d) => d.identificatie) } };
  },
};

export const PLANVIEWER_OPERATIONS: ReadonlyArray<OperationSpec<PlanviewerClient>> = [
  products,
  search,
  intentions,
  waiting,
  select,
  documents,
] as ReadonlyArray<OperationSpec<PlanviewerClient>>;
