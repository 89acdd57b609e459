import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { exampleTabs } from './example-operations';

export interface GraphiQLPage {
  html: Buffer;
  gzipped: Buffer;
  etag: string;
}

/**
 * A self-contained GraphiQL page (scripts, styles and workers inlined: nothing loads from
 * the network), rendered once. `developmentKey` pre-fills the Authorization header and is
 * only ever given in local development mode.
 */
export function renderGraphiQLPage(developmentKey: string | null): GraphiQLPage {
  const headers = JSON.stringify({ Authorization: `Bearer ${developmentKey ?? '<your API key>'}` }, null, 2);
  const html = Buffer.from(
    renderGraphiQL({
      title: 'ccc-policy GraphiQL',
      endpoint: '/graphql',
      defaultTabs: exampleTabs.map((tab) => ({ ...tab, headers })),
      defaultHeaders: headers,
      defaultEditorToolsVisibility: 'headers',
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    }),
    'utf8',
  );
  return { html, gzipped: gzipSync(html), etag: `"${createHash('sha256').update(html).digest('hex').slice(0, 32)}"` };
}
