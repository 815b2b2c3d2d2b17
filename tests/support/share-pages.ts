import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A 1 × 1 PNG (a red pixel): small, and a real image a browser shows. */
export const TEST_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

export interface SharePages {
  /** `http://127.0.0.1:<port>`: the page is at `/`, the image at `/cat.png`. */
  readonly origin: string;
  readonly pageUrl: string;
  readonly imageUrl: string;
  /** The link on the page. */
  readonly linkUrl: string;
  close(): Promise<void>;
}

/**
 * A web site on loopback for context-menu shares: a page with an image, a link and some text to select, and
 * the image, which any origin may fetch (`Access-Control-Allow-Origin: *`), as a CDN's images often are.
 */
export async function startSharePages(): Promise<SharePages> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/cat.png') {
      response.writeHead(200, {
        'content-type': 'image/png',
        'content-length': TEST_PNG.length,
        'access-control-allow-origin': '*',
      });
      response.end(TEST_PNG);
      return;
    }
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html>
<title>A page to share from</title>
<h1>Cats</h1>
<p id="quote">Cats sleep for most of the day.</p>
<p><a id="link" href="/about?from=share">About cats</a></p>
<img id="cat" src="/cat.png" alt="A red pixel, standing for a cat" width="64" height="64">`);
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // listen() on a TCP port gives an AddressInfo.
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    pageUrl: `${origin}/`,
    imageUrl: `${origin}/cat.png`,
    linkUrl: `${origin}/about?from=share`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
