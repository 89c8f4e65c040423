/** PostGreen on the Nirva platform (print & post): who it is, what the account needs, what it can do. */
import { optionOf, ProviderDescriptor } from '../../core/descriptor';
import { operationInfos } from '../../core/capabilities';
import { PostgreenClient, POSTGREEN_DEFAULT_BASE_URL } from './client';
import { postgreenCapabilities, POSTGREEN_PACK_GROUP_WAIT_S, POSTGREEN_POLL_INTERVAL_MS } from './capabilities';
import { DEFAULT_FILE_FIELD, DEFAULT_SERVICE_FILE_FIELD } from './fields';
import { POSTGREEN_OPERATIONS } from './operations';
import { KIND_CREATED, KIND_DELIVERIES, KIND_JOB } from './status';

export const postgreenDescriptor: ProviderDescriptor<PostgreenClient> = {
  name: 'postgreen',
  label: 'PostGreen (Nirva)',
  defaultBaseUrl: POSTGREEN_DEFAULT_BASE_URL,
  sandboxPath: '/postgreen',
  guide: 'docs/postgreen.md',
  credentials: [
    { key: 'username', secret: false, label: { 'en-US': 'Login', de: 'Login', nl: 'Login', fr: 'Identifiant' } },
    { key: 'password', secret: true, label: { 'en-US': 'Password', de: 'Passwort', nl: 'Wachtwoord', fr: 'Mot de passe' } },
  ],
  credentialSets: [['username', 'password']],
  settings: [
    {
      key: 'packGroupWait',
      type: 'number',
      default: POSTGREEN_PACK_GROUP_WAIT_S,
      min: 1,
      label: { 'en-US': 'Pack group wait (s)', de: 'Wartezeit Pack-Gruppen (s)', nl: 'Wachttijd packgroepen (s)', fr: 'Attente des groupes (s)' },
      hint: {
        'en-US': 'A job that stays longer in PACK_GROUP_CREATED (poll kind "created"), or a processed job still without deliveries (kind "deliveries"), goes to output 2 as a likely eligibility or address problem. The documentation says about 2 minutes for a single document.',
        de: 'Ein Job, der länger in PACK_GROUP_CREATED bleibt (Art "created"), oder ein verarbeiteter Job ohne Zustellungen (Art "deliveries") geht an Ausgang 2: wahrscheinlich ein Problem mit der Eignung oder der Adresse. Laut Dokumentation etwa 2 Minuten für ein einzelnes Dokument.',
        nl: 'Een job die langer in PACK_GROUP_CREATED blijft (soort "created"), of een verwerkte job nog zonder leveringen (soort "deliveries"), gaat naar uitgang 2: waarschijnlijk een probleem met de geschiktheid of het adres. Volgens de documentatie ongeveer 2 minuten voor één document.',
        fr: 'Un job qui reste plus longtemps en PACK_GROUP_CREATED (type "created"), ou un job traité toujours sans livraison (type "deliveries"), part sur la sortie 2 : probablement un problème d\'éligibilité ou d\'adresse. La documentation indique environ 2 minutes pour un seul document.',
      },
    },
    {
      key: 'fileField',
      type: 'text',
      default: DEFAULT_FILE_FIELD,
      label: { 'en-US': 'File field name', de: 'Name des Dateifelds', nl: 'Naam van het bestandsveld', fr: 'Nom du champ fichier' },
      hint: {
        'en-US': 'How uploaded files are named in the job upload: {box} box id, {name} box name, {n} counter. The documentation shows file_main{box}_{n}, file__file_{box}_{n} and file_file__{box}_{n}.',
        de: 'Name der hochgeladenen Dateien im Job: {box} Box-ID, {name} Box-Name, {n} Zähler. Die Dokumentation zeigt file_main{box}_{n}, file__file_{box}_{n} und file_file__{box}_{n}.',
        nl: 'Naam van de geüploade bestanden in de job: {box} box-id, {name} boxnaam, {n} teller. De documentatie toont file_main{box}_{n}, file__file_{box}_{n} en file_file__{box}_{n}.',
        fr: 'Nom des fichiers envoyés avec le job : {box} identifiant de boîte, {name} nom de boîte, {n} compteur. La documentation montre file_main{box}_{n}, file__file_{box}_{n} et file_file__{box}_{n}.',
      },
    },
    {
      key: 'serviceFileField',
      type: 'text',
      default: DEFAULT_SERVICE_FILE_FIELD,
      label: { 'en-US': 'Service file field name', de: 'Name des Servicedatei-Felds', nl: 'Naam van het servicebestandsveld', fr: 'Nom du champ fichier de service' },
      hint: {
        'en-US': 'How preconfigured service files (value: the service file id) are named: {box}, {name}, {n} as above.',
        de: 'Name der vorkonfigurierten Servicedateien (Wert: die Servicedatei-ID): {box}, {name}, {n} wie oben.',
        nl: 'Naam van de vooraf ingestelde servicebestanden (waarde: het servicebestand-id): {box}, {name}, {n} als hierboven.',
        fr: 'Nom des fichiers de service préconfigurés (valeur : l\'identifiant du fichier de service) : {box}, {name}, {n} comme ci-dessus.',
      },
    },
  ],
  capabilities: {
    order: false,
    result: false,
    status: [
      { name: KIND_JOB, label: { 'en-US': 'job (until its pack groups are ready)', de: 'Job (bis die Pack-Gruppen bereit sind)', nl: 'job (tot de packgroepen klaar zijn)', fr: 'job (jusqu\'à ses groupes de plis prêts)' }, defaultIntervalMs: POSTGREEN_POLL_INTERVAL_MS },
      { name: KIND_CREATED, label: { 'en-US': 'job until CREATED (auto-created deliveries)', de: 'Job bis CREATED (automatische Zustellungen)', nl: 'job tot CREATED (automatische leveringen)', fr: 'job jusqu\'à CREATED (livraisons automatiques)' }, defaultIntervalMs: POSTGREEN_POLL_INTERVAL_MS },
      { name: KIND_DELIVERIES, label: { 'en-US': 'deliveries of a job', de: 'Zustellungen eines Jobs', nl: 'leveringen van een job', fr: "livraisons d'un job" }, defaultIntervalMs: POSTGREEN_POLL_INTERVAL_MS },
    ],
    callback: [{ name: 'shipment', label: { 'en-US': 'shipment webhook', de: 'Sendungs-Webhook', nl: 'zendingswebhook', fr: "webhook d'envoi" } }],
    operations: operationInfos(POSTGREEN_OPERATIONS),
    nodes: ['fulfillment-authenticate', 'fulfillment-create-job', 'fulfillment-edit-packgroup', 'fulfillment-create-delivery', 'fulfillment-track-shipment'],
  },
  create(s) {
    const client = new PostgreenClient({
      baseUrl: s.baseUrl,
      login: s.credentials.username ?? '',
      password: s.credentials.password ?? '',
      timeoutMs: s.timeoutMs,
      maxResponseBytes: s.maxResponseBytes,
      fileField: optionOf(s, 'fileField', DEFAULT_FILE_FIELD),
      serviceFileField: optionOf(s, 'serviceFileField', DEFAULT_SERVICE_FILE_FIELD),
    });
    const capabilities = postgreenCapabilities(client, { packGroupWaitMs: optionOf(s, 'packGroupWait', POSTGREEN_PACK_GROUP_WAIT_S) * 1000 });
    return { provider: 'postgreen', client, capabilities, close: () => client.close() };
  },
};
