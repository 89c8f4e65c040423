/**
 * The page a user sees when opening the sandbox's address (printed by
 * `npm start`): what it is, and the base URL of each provider to put into an
 * account.
 */
const LABELS: Record<string, string> = {
  planviewer: 'Planviewer Product API',
  postgreen: 'PostGreen (Nirva)',
  probo: 'Probo',
  delivergo: 'delivergo',
  arri: 'ARRI Webgate / Yamdu',
};

/** ARRI has a host per customer: the sandbox gives each customer name its own path. */
const PATH_TAIL: Record<string, string> = { arri: '/&lt;any customer name&gt;, e.g. /arri/example-studio' };

export function welcomePage(baseUrl: string, providers: readonly string[]): string {
  const rows = providers.map((p) => `<tr><td>${LABELS[p] ?? p}</td><td><code>${baseUrl}/${p}</code>${PATH_TAIL[p] ?? ''}</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Provider sandbox · node-red-contrib-fulfillment</title>
<style>body{font-family:sans-serif;max-width:46em;margin:2em auto;padding:0 1em}td{padding:.2em 1em .2em 0}</style></head>
<body>
<h1>Provider sandbox</h1>
<p>This server emulates the five providers of node-red-contrib-fulfillment on this machine, as each provider's public
documentation describes them. Nothing leaves this machine and no order is real. It accepts any credentials, except
a few that show what a refusal looks like: the key or login <code>denied</code> (HTTP 401), and for ARRI the password
<code>wrong</code>.</p>
<p>The example flows' accounts already point here. For an account of your own, use the base URL of its provider:</p>
<table>
${rows}
</table>
<p>For the live service, clear the account's base URL (ARRI: your organisation's own Webgate address) and enter the
credentials the provider gave you.</p>
</body></html>
`;
}
