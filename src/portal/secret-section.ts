import type { EndpointRecord } from '../../workflows/records';
import type { SafeHtml } from './html';
import { html } from './html';
import { verifySnippet } from './verify-snippet';

/**
 * A new signing secret, shown this once (the portal never shows it again, only its last four
 * characters), and the code that checks a delivery's signature with it, each with a copy button.
 */
export function secretSection(endpoint: Pick<EndpointRecord, 'signature'>, secret: string | null): SafeHtml {
  const snippet = verifySnippet(endpoint);
  return html`<h2>Signing secret</h2>
    ${
      secret === null
        ? html`<p>Deliveries to this endpoint are not signed.</p>`
        : html`<p class="warning">Copy the secret now: it is shown only this once.</p>
            <p class="secret" id="new-secret">${secret}</p>
            <div class="actions">
              <button type="button" class="secondary" data-copy="new-secret">Copy secret</button>
            </div>`
    }${
      snippet
        ? html`<h2>Verify a delivery's signature</h2>
            <p>With the secret in <code>WEBHOOK_SECRET</code>, in Node.js:</p>
            <pre id="verify-snippet">${snippet}</pre>
            <div class="actions">
              <button type="button" class="secondary" data-copy="verify-snippet">Copy code</button>
            </div>`
        : null
    }`;
}
