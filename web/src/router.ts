import { useEffect, useState } from 'react';

/**
 * Hash routes (`#/board`, `#/batch/<id>`, …): the API serves one index.html, and a hash never reaches
 * the server, so no fallback is needed and a link works in the dev server and in `v2v api` alike.
 */
export const PAGES = ['board', 'batch', 'calendar', 'qa', 'equipment', 'alerts', 'enrolment', 'capacity', 'waitlist'] as const;
export type Page = (typeof PAGES)[number];

export interface Route {
  page: Page;
  /** The rest of the path: a batch id for `batch`, a site id for `calendar` and `capacity`. */
  id?: string;
  params: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const [head, id] = path.split('/');
  const page = (PAGES as readonly string[]).includes(head ?? '') ? (head as Page) : 'board';
  return { page, ...(id ? { id: decodeURIComponent(id) } : {}), params: new URLSearchParams(query) };
}

export function href(page: Page, id?: string, params?: Record<string, string | undefined>): string {
  const query = new URLSearchParams(Object.entries(params ?? {}).filter((e): e is [string, string] => Boolean(e[1]))).toString();
  return `#/${page}${id ? `/${encodeURIComponent(id)}` : ''}${query ? `?${query}` : ''}`;
}

export function useRoute(): Route {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return parseRoute(hash);
}
