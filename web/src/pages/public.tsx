import { useState } from 'preact/hooks';
import { api, apiFailure, isApiFailure, must, type ApiFailure } from '../api/client';
import { Link, navigate, type Place } from '../router';
import { ErrorView, PageHeading } from '../ui';

/**
 * The pages one reaches without a session: sign in (password, then the TOTP code when the
 * account has MFA on), forgot and reset password, accept an invitation. Each answers with
 * cookies (the client asks with `x-osma-client: browser`), so no token ever reaches this page.
 */
export function SignIn(props: { place: Place; onSignedIn: () => Promise<void> }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [failure, setFailure] = useState<ApiFailure>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(undefined);
    const body = { username, password, ...(needsCode ? { 'totp-code': code } : {}) };
    const { error, response } = await api.POST('/v1/login/', { body }).catch(() => ({ error: undefined, response: undefined }));
    if (response?.ok) {
      await props.onSignedIn();
      navigate(props.place.query.get('next') ?? '/', { replace: true });
      return;
    }
    const answer = apiFailure(response, error);
    if (answer.code === 'mfa_required') setNeedsCode(true);
    else setFailure(answer);
    setBusy(false);
  };
  return (
    <main class="narrow">
      <PageHeading>Sign in to Osma</PageHeading>
      {failure && <ErrorView failure={failure} />}
      <form onSubmit={submit}>
        <label for="username">Email</label>
        <input id="username" name="username" type="email" autocomplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        {needsCode && (
          <>
            <p role="status">This account has two-step verification: enter the 6-digit code from your authenticator app.</p>
            <label for="totp">Authentication code</label>
            <input id="totp" name="totp" inputMode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required value={code} onInput={(e) => setCode(e.currentTarget.value)} />
          </>
        )}
        <button type="submit" disabled={busy}>
          {needsCode ? 'Verify and sign in' : 'Sign in'}
        </button>
      </form>
      <p>
        <Link href="/forgot-password">Forgot your password?</Link>
      </p>
    </main>
  );
}

export function ForgotPassword() {
  const [username, setUsername] = useState('');
  const [sent, setSent] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(undefined);
    try {
      await must(api.POST('/v1/forgot-password/', { body: { username } }));
      setSent(true);
    } catch (error) {
      setFailure(error);
    }
  };
  return (
    <main class="narrow">
      <PageHeading>Reset your password</PageHeading>
      {failure !== undefined && <ErrorView failure={failure} />}
      {sent ? (
        <p role="status">If an account uses this address, a link to choose a new password is on its way. It works once.</p>
      ) : (
        <form onSubmit={submit}>
          <label for="username">Email</label>
          <input id="username" type="email" autocomplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
          <button type="submit">Send the link</button>
        </form>
      )}
      <p>
        <Link href="/sign-in">Back to sign in</Link>
      </p>
    </main>
  );
}

export function ResetPassword(props: { place: Place }) {
  const code = props.place.query.get('code') ?? '';
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(undefined);
    try {
      await must(api.POST('/v1/confirm-forgot-password/', { body: { username, password, 'confirmation-code': code } }));
      setDone(true);
    } catch (error) {
      setFailure(error);
    }
  };
  return (
    <main class="narrow">
      <PageHeading>Choose a new password</PageHeading>
      {!code && <ErrorView failure={{ status: 400, code: 'parameter_missing', detail: 'This link has no code: open the link from the mail again.', requestId: null }} />}
      {failure !== undefined && <ErrorView failure={failure} />}
      {done ? (
        <p role="status">
          Your password is changed. <Link href="/sign-in">Sign in</Link>
        </p>
      ) : (
        <form onSubmit={submit}>
          <label for="username">Email</label>
          <input id="username" type="email" autocomplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
          <label for="new-password">New password</label>
          <input id="new-password" type="password" autocomplete="new-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          <button type="submit" disabled={!code}>
            Set the password
          </button>
        </form>
      )}
    </main>
  );
}

export function AcceptInvitation(props: { place: Place; onSignedIn: () => Promise<void> }) {
  const token = props.place.query.get('token') ?? '';
  const [first, setFirst] = useState('');
  const [last, setLast] = useState('');
  const [password, setPassword] = useState('');
  const [failure, setFailure] = useState<unknown>();
  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(undefined);
    try {
      const names = { ...(first ? { 'first-name': first } : {}), ...(last ? { 'last-name': last } : {}) };
      await must(api.POST('/v1/accept-invitation/', { body: { token, password, ...names } }));
      await props.onSignedIn();
      navigate('/', { replace: true });
    } catch (error) {
      setFailure(isApiFailure(error) ? error : apiFailure(undefined, undefined));
    }
  };
  return (
    <main class="narrow">
      <PageHeading>Join your team on Osma</PageHeading>
      {!token && <ErrorView failure={{ status: 400, code: 'parameter_missing', detail: 'This link has no token: open the link from the invitation mail again.', requestId: null }} />}
      {failure !== undefined && <ErrorView failure={failure} />}
      <form onSubmit={submit}>
        <label for="first-name">First name (optional)</label>
        <input id="first-name" autocomplete="given-name" value={first} onInput={(e) => setFirst(e.currentTarget.value)} />
        <label for="last-name">Last name (optional)</label>
        <input id="last-name" autocomplete="family-name" value={last} onInput={(e) => setLast(e.currentTarget.value)} />
        <label for="new-password">Choose a password</label>
        <input id="new-password" type="password" autocomplete="new-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        <button type="submit" disabled={!token}>
          Accept and sign in
        </button>
      </form>
    </main>
  );
}
