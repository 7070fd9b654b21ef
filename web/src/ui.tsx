import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { isApiFailure, type ApiFailure } from './api/client';

/** The page's one h1: it takes the focus when the page opens, so a screen reader starts there. */
export function PageHeading(props: { children: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useLayoutEffect(() => heading.current?.focus(), []);
  return (
    <h1 tabIndex={-1} ref={heading}>
      {props.children}
    </h1>
  );
}

/** A failed call as the API told it: its `detail`, its code, and the `request-id` to quote to support. */
export function ErrorView(props: { failure: ApiFailure | unknown }) {
  const failure: ApiFailure = isApiFailure(props.failure)
    ? props.failure
    : { status: 0, code: 'error', detail: String((props.failure as Error)?.message ?? props.failure), requestId: null };
  const title = failure.status === 403 ? 'You may not do this' : failure.status === 0 ? 'No answer' : 'Something went wrong';
  return (
    <div class="error" role="alert">
      <p class="error-title">{title}</p>
      <p>{failure.detail}</p>
      <p class="meta">
        {failure.status > 0 && <span>Status {failure.status} · </span>}
        <span>code <code>{failure.code}</code></span>
        {failure.requestId && (
          <span>
            {' '}
            · request-id <code data-testid="request-id">{failure.requestId}</code>
          </span>
        )}
      </p>
    </div>
  );
}

export function Loading(props: { what: string }) {
  return (
    <p class="loading" role="status">
      Loading {props.what}…
    </p>
  );
}

export function Empty(props: { children: ComponentChildren }) {
  return <p class="empty">{props.children}</p>;
}

/** A call's state: loading, failed or loaded; `reload` runs it again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T; failure?: unknown; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true, failure: undefined }));
    load().then(
      (data) => current && setState({ data, loading: false }),
      (failure: unknown) => current && setState({ failure, loading: false }),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, round]);
  return { ...state, reload: () => setRound((n) => n + 1) };
}

/** A secret shown once, with a button that copies it. */
export function SecretOnce(props: { label: string; secret: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div class="secret" role="region" aria-label={props.label}>
      <p>
        <strong>{props.label}.</strong> Copy it now: it is shown only this once and cannot be read again.
      </p>
      <p>
        <code data-testid="secret">{props.secret}</code>{' '}
        <button type="button" onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </p>
      <p class="visually-hidden" aria-live="polite">
        {copied ? 'Copied to the clipboard' : ''}
      </p>
    </div>
  );
}

export function formatTime(value: string | null | undefined): string {
  if (!value) return '—';
  return new Date(value).toLocaleString();
}

/** What a call is doing while it has nothing to show: loading (the first time), or its failure. */
export function LoadStatus(props: { state: { loading: boolean; data?: unknown; failure?: unknown }; what: string }) {
  const { state } = props;
  if (state.failure !== undefined) return <ErrorView failure={state.failure} />;
  if (state.loading && state.data === undefined) return <Loading what={props.what} />;
  return null;
}

/** The way to the pages on either side of a list's page: a side with no page is disabled. */
export function Pager(props: { of: string; newer?: () => void; older?: () => void; labels?: [string, string] }) {
  if (!props.newer && !props.older) return null;
  const [newer, older] = props.labels ?? ['Newer', 'Older'];
  return (
    <nav class="pager" aria-label={`Pages of ${props.of}`}>
      <button type="button" disabled={!props.newer} onClick={props.newer}>
        {newer}
      </button>{' '}
      <button type="button" disabled={!props.older} onClick={props.older}>
        {older}
      </button>
    </nav>
  );
}
