/** ARRI Webgate / Yamdu orders: who it is, what the account needs, what it can do. */
import { operationInfos } from '../../core/capabilities';
import { optionOf, ProviderDescriptor } from '../../core/descriptor';
import { ArriClient } from './client';
import { arriCapabilities } from './capabilities';
import { ARRI_OPERATIONS } from './operations';
import { ARRI_DEFAULT_LOGIN_ATTEMPTS, ARRI_MAX_LOGIN_ATTEMPTS, clampAttempts } from './token';

export const arriDescriptor: ProviderDescriptor<ArriClient> = {
  name: 'arri',
  label: 'ARRI Webgate / Yamdu',
  // Every customer has its own Webgate host; no address is shared by all.
  defaultBaseUrl: undefined,
  baseUrlHint: {
    'en-US': "Required: your organisation's own ARRI Webgate address, e.g. https://<customer>.webgate.io (the address you log in to Webgate with). OAuth is at its root (/oauth/token), orders under /api.",
    de: 'Pflichtfeld: die eigene ARRI-Webgate-Adresse Ihrer Organisation, z. B. https://<kunde>.webgate.io (die Adresse, unter der Sie sich bei Webgate anmelden). OAuth liegt an der Wurzel (/oauth/token), Aufträge unter /api.',
    nl: 'Verplicht: het eigen ARRI Webgate-adres van uw organisatie, bijv. https://<klant>.webgate.io (het adres waarmee u inlogt op Webgate). OAuth staat in de root (/oauth/token), orders onder /api.',
    fr: "Obligatoire : l'adresse ARRI Webgate propre à votre organisation, p. ex. https://<client>.webgate.io (celle où vous vous connectez à Webgate). OAuth est à la racine (/oauth/token), les commandes sous /api.",
  },
  sandboxPath: '/arri/example-studio',
  guide: 'docs/arri.md',
  credentials: [
    { key: 'accessToken', secret: true, label: { 'en-US': 'Access token', de: 'Zugriffstoken', nl: 'Toegangstoken', fr: "Jeton d'accès" } },
    { key: 'username', secret: false, label: { 'en-US': 'Username', de: 'Benutzername', nl: 'Gebruikersnaam', fr: "Nom d'utilisateur" } },
    { key: 'password', secret: true, label: { 'en-US': 'Password', de: 'Passwort', nl: 'Wachtwoord', fr: 'Mot de passe' } },
  ],
  credentialSets: [['accessToken'], ['username', 'password']],
  settings: [
    {
      key: 'loginAttempts',
      type: 'number',
      default: ARRI_DEFAULT_LOGIN_ATTEMPTS,
      min: 1,
      max: ARRI_MAX_LOGIN_ATTEMPTS,
      label: { 'en-US': 'Login tries', de: 'Anmeldeversuche', nl: 'Inlogpogingen', fr: 'Essais de connexion' },
      hint: {
        'en-US': 'How many refused password logins the account makes with the same username and password before it stops trying until you change or redeploy it (1 to 3; ARRI does not document what follows the third refusal).',
        de: 'Wie viele abgelehnte Passwort-Anmeldungen das Konto mit demselben Benutzernamen und Passwort versucht, bevor es bis zur Änderung oder zum erneuten Deploy aufhört (1 bis 3; ARRI beschreibt nicht, was nach der dritten Ablehnung geschieht).',
        nl: 'Hoeveel geweigerde wachtwoordlogins het account met dezelfde gebruikersnaam en hetzelfde wachtwoord doet voordat het stopt tot u het wijzigt of opnieuw deployt (1 tot 3; ARRI beschrijft niet wat er na de derde weigering gebeurt).',
        fr: "Nombre de connexions par mot de passe refusées que le compte tente avec le même nom d'utilisateur et mot de passe avant d'arrêter jusqu'à sa modification ou un nouveau déploiement (1 à 3 ; ARRI ne décrit pas ce qui suit le troisième refus).",
      },
    },
  ],
  capabilities: {
    order: true,
    result: false,
    // The guide gives no polling interval; packing creates projects and users, so minutes, not seconds.
    status: [{ name: 'order', label: { 'en-US': 'order', de: 'Auftrag', nl: 'order', fr: 'commande' }, defaultIntervalMs: 30_000 }],
    callback: [],
    operations: operationInfos(ARRI_OPERATIONS),
    nodes: [],
  },
  create(s) {
    const c = s.credentials;
    const client = new ArriClient({
      baseUrl: s.baseUrl,
      accessToken: c.accessToken,
      username: c.username,
      password: c.password,
      loginAttempts: clampAttempts(optionOf(s, 'loginAttempts', ARRI_DEFAULT_LOGIN_ATTEMPTS)),
      timeoutMs: s.timeoutMs,
      maxResponseBytes: s.maxResponseBytes,
    });
    return { provider: 'arri', client, capabilities: arriCapabilities(client), close: () => client.close() };
  },
};
