import { createContext, useContext } from 'react';
import type { Api } from './api';
import type { Session } from './session';

export const SessionContext = createContext<{ session: Session; api: Api } | undefined>(undefined);

/** The signed-in session and its API client; pages render only inside the signed-in shell. */
export function useSession(): { session: Session; api: Api } {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside the signed-in shell');
  return value;
}
