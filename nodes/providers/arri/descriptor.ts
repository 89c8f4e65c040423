/** ARRI Webgate / Yamdu orders: who it is, what the account needs, what it can do. */
import { ProviderDescriptor } from '../../core/descriptor';
import { ArriClient, ARRI_DEFAULT_BASE_URL } from './client';
import { arriCapabilities } from './capabilities';

export const arriDescriptor: ProviderDescriptor<ArriClient> = {
  name: 'arri',
  label: 'ARRI Webgate / Yamdu',
  defaultBaseUrl: ARRI_DEFAULT_BASE_URL,
  sandboxPath: '/arri',
  guide: 'docs/arri.md',
  credentials: [
    { key: 'accessToken', secret: true, label: { 'en-US': 'Access token', de: 'Zugriffstoken', nl: 'Toegangstoken', fr: "Jeton d'accès" } },
    { key: 'username', secret: false, label: { 'en-US': 'Username', de: 'Benutzername', nl: 'Gebruikersnaam', fr: "Nom d'utilisateur" } },
    { key: 'password', secret: true, label: { 'en-US': 'Password', de: 'Passwort', nl: 'Wachtwoord', fr: 'Mot de passe' } },
  ],
  credentialSets: [['accessToken'], ['username', 'password']],
  settings: [],
  capabilities: {
    order: true,
    result: false,
    status: [{ name: 'order', label: { 'en-US': 'order', de: 'Auftrag', nl: 'order', fr: 'commande' }, defaultIntervalMs: 30_000 }],
    callback: [],
    operations: [],
    nodes: [],
  },
  create(s) {
    const c = s.credentials;
    const client = new ArriClient({ baseUrl: s.baseUrl, accessToken: c.accessToken, username: c.username, password: c.password, timeoutMs: s.timeoutMs, maxResponseBytes: s.maxResponseBytes });
    return { provider: 'arri', client, capabilities: arriCapabilities(client), close: async () => client.close() };
  },
};
