import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { whenSignedOut } from './api/client';
import { ApiKeys } from './pages/api-keys';
import { DEVELOPER_PAGES, developersPage } from './pages/developers';
import { Home } from './pages/home';
import { Settings } from './pages/settings';
import { TaskTemplate, TaskTemplates } from './pages/task-templates';
import { AcceptInvitation, ForgotPassword, ResetPassword, SignIn } from './pages/public';
import { TEAM_PAGES, Team } from './pages/team';
import { Link, inMode, navigate, usePlace, type Place } from './router';
import { signOut, whoAmI, type Me } from './session';
import { ErrorView, Loading, PageHeading } from './ui';

const PUBLIC_PAGES = ['/sign-in', '/forgot-password', '/reset-password', '/accept-invitation'];

const NAVIGATION = [
  { path: '/', label: 'Home' },
  { path: '/developers/api-keys', label: 'Developers' },
  { path: '/team', label: 'Team' },
  { path: '/task-templates', label: 'Task templates' },
  { path: '/settings', label: 'Settings' },
];

type Session = { state: 'checking' } | { state: 'signed-out' } | { state: 'signed-in'; me: Me };

export function App() {
  const place = usePlace();
  const [session, setSession] = useState<Session>({ state: 'checking' });
  const isPublic = PUBLIC_PAGES.includes(place.path);

  const check = async () => {
    try {
      setSession({ state: 'signed-in', me: await whoAmI() });
    } catch {
      setSession({ state: 'signed-out' });
    }
  };
  useEffect(() => {
    whenSignedOut(() => setSession({ state: 'signed-out' }));
    void check();
  }, []);
  useEffect(() => {
    if (session.state === 'signed-out' && !isPublic) {
      const next = place.path === '/' && !place.query.size ? '' : `?next=${encodeURIComponent(location.pathname + location.search)}`;
      navigate(`/sign-in${next}`, { replace: true });
    }
  }, [session.state, isPublic, place.path]);

  if (isPublic) return <PublicPage place={place} onSignedIn={check} />;
  if (session.state !== 'signed-in') return <Loading what="your session" />;
  return (
    <Shell place={place} me={session.me} onSignedOut={() => setSession({ state: 'signed-out' })}>
      <SignedInPage place={place} me={session.me} />
    </Shell>
  );
}

function PublicPage(props: { place: Place; onSignedIn: () => Promise<void> }) {
  switch (props.place.path) {
    case '/sign-in':
      return <SignIn place={props.place} onSignedIn={props.onSignedIn} />;
    case '/forgot-password':
      return <ForgotPassword />;
    case '/reset-password':
      return <ResetPassword place={props.place} />;
    default:
      return <AcceptInvitation place={props.place} onSignedIn={props.onSignedIn} />;
  }
}

function SignedInPage(props: { place: Place; me: Me }) {
  const { place, me } = props;
  if (place.path === '/team' || place.path.startsWith('/team/')) return <Team place={place} me={me} />;
  switch (place.path) {
    case '/':
      return <Home place={place} me={me} />;
    case '/developers':
    case '/developers/api-keys':
      return <ApiKeys place={place} me={me} />;
    case '/task-templates':
      return <TaskTemplates place={place} me={me} />;
    case '/settings':
    case '/settings/account':
    case '/settings/audit':
      return <Settings place={place} me={me} />;
    default:
      if (place.path.startsWith('/task-templates/')) {
        const reference = decodeURIComponent(place.path.slice('/task-templates/'.length));
        return <TaskTemplate key={reference} place={place} me={me} reference={reference} />;
      }
      return (
        developersPage(place, me) ?? (
        <>
          <PageHeading>Page not found</PageHeading>
          <p>
            Nothing lives at <code>{place.path}</code>. <Link href={inMode('/', place.mode)}>Go home</Link>
          </p>
        </>
        )
      );
  }
}

/** The signed-in frame: the mode switch and banner, the navigation, and who is signed in. */
function Shell(props: { place: Place; me: Me; onSignedOut: () => void; children: ComponentChildren }) {
  const { place, me } = props;
  const [failure, setFailure] = useState<unknown>();
  const live = place.mode === 'live';
  const switchMode = () => {
    const query = new URLSearchParams(place.query);
    if (live) query.delete('mode');
    else query.set('mode', 'live');
    navigate(`${place.path}${query.size ? `?${query}` : ''}`);
  };
  const leave = async () => {
    try {
      await signOut(me);
      props.onSignedOut();
    } catch (error) {
      setFailure(error);
    }
  };
  const section = (path: string) => (path === '/' ? place.path === '/' : place.path.startsWith(path));
  return (
    <div class={live ? 'shell live' : 'shell test'}>
      {!live && (
        <div class="test-banner" role="note">
          Test mode: you are looking at test data. Nothing here touches live data.
        </div>
      )}
      <header class="top">
        <span class="brand">Osma</span>
        <label class="mode-switch">
          <input type="checkbox" role="switch" checked={!live} onChange={switchMode} /> Test mode
        </label>
        <span class="who">{me.email}</span>
        <button type="button" onClick={leave}>
          Sign out
        </button>
      </header>
      <div class="body">
        <nav aria-label="Main">
          <ul>
            {NAVIGATION.map((item) => (
              <li>
                <Link href={inMode(item.path, place.mode)} aria-current={section(item.path) ? 'page' : undefined}>
                  {item.label}
                </Link>
                {item.path === '/developers/api-keys' && section('/developers') && (
                  <ul>
                    <li>
                      <Link href={inMode('/developers/api-keys', place.mode)} aria-current={place.path === '/developers/api-keys' ? 'page' : undefined}>
                        API keys
                      </Link>
                    </li>
                    {DEVELOPER_PAGES.map((page) => (
                      <li>
                        <Link href={inMode(page.path, place.mode)} aria-current={place.path === page.path || place.path.startsWith(`${page.path}/`) ? 'page' : undefined}>
                          {page.label}
                        </Link>
                      </li>
                    ))}
                  </ul>
                )}
                {item.path === '/team' && section('/team') && (
                  <ul>
                    {TEAM_PAGES.map((sub) => (
                      <li>
                        <Link href={inMode(sub.path, place.mode)} aria-current={sub.current(place.path) ? 'page' : undefined}>
                          {sub.label}
                        </Link>
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        </nav>
        <main>
          {failure !== undefined && <ErrorView failure={failure} />}
          {props.children}
        </main>
      </div>
    </div>
  );
}
