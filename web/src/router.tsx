import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * A small router on the history API: clean paths (`/developers/api-keys`), no hash. The mode
 * (test or live) is part of every address as `?mode=live`; test is the default, so an address
 * without it never shows live data by surprise, and a shared link opens the same mode.
 */
export type Mode = 'test' | 'live';

export interface Place {
  path: string;
  query: URLSearchParams;
  mode: Mode;
}

function here(): Place {
  const query = new URLSearchParams(location.search);
  return { path: location.pathname.replace(/\/+$/, '') || '/', query, mode: query.get('mode') === 'live' ? 'live' : 'test' };
}

const NAVIGATED = 'osma:navigated';

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === location.pathname + location.search) return;
  history[options.replace ? 'replaceState' : 'pushState'](null, '', to);
  dispatchEvent(new Event(NAVIGATED));
}

export function usePlace(): Place {
  const [place, setPlace] = useState(here);
  useEffect(() => {
    const update = () => setPlace(here());
    addEventListener('popstate', update);
    addEventListener(NAVIGATED, update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener(NAVIGATED, update);
    };
  }, []);
  return place;
}

/** An address in the given mode (the current one when not said). */
export function inMode(path: string, mode: Mode): string {
  return mode === 'live' ? `${path}?mode=live` : path;
}

/** A link that moves within the app without reloading it; a modified click opens a new tab as usual. */
export function Link(props: { href: string; children: ComponentChildren } & Omit<JSX.HTMLAttributes<HTMLAnchorElement>, 'href'>) {
  const { href, children, ...rest } = props;
  const onClick = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
