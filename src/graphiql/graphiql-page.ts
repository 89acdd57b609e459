import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import type { renderGraphiQL as RenderGraphiQL } from '@graphql-yoga/render-graphiql';
import { ROLES } from '../common/roles';
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
  const headersWith = (key: string) => JSON.stringify({ Authorization: `Bearer ${key}` }, null, 2);
  // Without a development key, each tab asks for a key of a role that may run it, so a user
  // knows which key to paste before the first FORBIDDEN.
  const tabs = exampleTabs.map(({ query, variables, roles }) => ({
    query,
    variables,
    headers: headersWith(developmentKey ?? `<your API key: ${roles.length === ROLES.length - 1 ? 'any role' : roles.join(' or ')}>`),
  }));
  const html = Buffer.from(
    loadRenderer()({
      title: 'ccc-policy GraphiQL',
      endpoint: '/graphql',
      defaultTabs: tabs,
      // GraphiQL shows these in the first tab's headers editor until another tab is opened.
      defaultHeaders: tabs[0].headers,
      defaultEditorToolsVisibility: 'headers',
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    }),
    'utf8',
  );
  return { html, gzipped: gzipSync(html), etag: `"${createHash('sha256').update(html).digest('hex').slice(0, 32)}"` };
}

/**
 * The renderer's module inlines all of GraphiQL (about 60 MB once loaded), and the page is
 * rendered once: load it on first use and drop it from the module cache afterwards, so
 * the server does not carry it for its lifetime.
 */
function loadRenderer(): typeof RenderGraphiQL {
  const entry = require.resolve('@graphql-yoga/render-graphiql');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand and dropped after one render (60 MB resident)
  const render = (require(entry) as { renderGraphiQL: typeof RenderGraphiQL }).renderGraphiQL;
  return (options) => {
    try {
      return render(options);
    } finally {
      const packageDir = entry.slice(0, entry.lastIndexOf('render-graphiql') + 'render-graphiql'.length);
      for (const cached of Object.keys(require.cache)) if (cached.startsWith(packageDir)) delete require.cache[cached];
    }
  };
}
