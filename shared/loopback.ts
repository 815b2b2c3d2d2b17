/**
 * Whether a URL's hostname (as `new URL(url).hostname` gives it: lowercase, IPv4 in dotted decimal, IPv6 in
 * brackets) names this machine: `localhost`, 127.0.0.0/8 or [::1]. Plain http is only allowed to these, and a
 * server without a configured public address only accepts sign-ins for them.
 */
export function isLoopbackHostname(hostname: string): boolean {
  return (
    hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}
