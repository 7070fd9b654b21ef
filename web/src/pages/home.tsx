import type { Place } from '../router';
import { Link, inMode } from '../router';
import { dashboardConfig, type Me } from '../session';
import { ErrorView, Loading, PageHeading, useLoad } from '../ui';
import { DevelopersHome } from './developers-home';

/** Where a developer starts: the public API's address and the first call to make with a key. */
export function Home(props: { place: Place; me?: Me }) {
  const { mode } = props.place;
  const config = useLoad(dashboardConfig, []);
  return (
    <>
      <PageHeading>Home</PageHeading>
      <section aria-labelledby="base-url">
        <h2 id="base-url">The Osma API</h2>
        {config.loading && <Loading what="the API's address" />}
        {config.failure !== undefined && <ErrorView failure={config.failure} />}
        {config.data && (
          <>
            <p>
              Base URL: <code data-testid="api-url">{config.data.apiUrl}</code>
            </p>
            <p>Your first call, with a {mode} key (every call names its key in the <code>osma-api-key</code> header):</p>
            <pre class="code" tabIndex={0} aria-label="First call with curl">
              <code>{`curl ${config.data.apiUrl}/members \\\n  --header 'osma-api-key: sk_${mode}_...'`}</code>
            </pre>
            <p>
              Get a key under <Link href={inMode('/developers/api-keys', mode)}>Developers › API keys</Link>.
            </p>
          </>
        )}
      </section>
      <DevelopersHome mode={mode} me={props.me} />
    </>
  );
}
