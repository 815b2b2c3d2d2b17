import { Router } from 'express';

/**
 * GET /invite: where an invite link (`<server>/invite#<name>.<key>`, extension/lib/contacts/invite.ts) lands when
 * opened in a browser. The part after `#` never reaches the server, and the page echoes nothing of the request:
 * one fixed text, no script, no style, nothing loaded (CSP default-src 'none').
 */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>An invitation to Toolbar Messenger</title>
</head>
<body>
<h1>Someone invited you to Toolbar Messenger</h1>
<p>This link adds its sender to your contacts in Toolbar Messenger, a private messenger that lives in your
browser's toolbar.</p>
<ol>
<li>Install the Toolbar Messenger extension in your browser, and set it up (a name and a passphrase).</li>
<li>Copy this page's whole address from the address bar: the part after the # is the invitation.</li>
<li>Open the extension's popup from the toolbar, choose Contacts, then Add, and paste the link.</li>
</ol>
<p>The invitation carries the sender's name and key, so the extension checks that it adds the very person who
sent it. Nothing after the # was sent to this server.</p>
</body>
</html>
`;

const HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy':
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'public, max-age=3600',
} as const;

export function inviteRouter(): Router {
  const router = Router();
  router.get('/invite', (_request, response) => {
    response.set(HEADERS).send(PAGE);
  });
  return router;
}
