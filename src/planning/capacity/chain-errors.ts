/**
 * Why a chain could not be booked, moved or confirmed. `ERR_CHAIN_UNAVAILABLE` means the capacity is
 * gone (a race lost to a unique or exclusion constraint, or an exception since): the caller asks
 * for the chains again. The API answers it 409; an activity raises it as a non-retryable failure.
 */
export const CHAIN_ERR = {
  UNAVAILABLE: 'ERR_CHAIN_UNAVAILABLE',
  /** The batch already holds another live chain (re-plan it instead), or none to act on. */
  CONFLICT: 'ERR_CHAIN_CONFLICT',
} as const;

export type ChainResource = 'collection' | 'line' | 'chair' | 'chain';

export class ChainError extends Error {
  override name = 'ChainError';
  constructor(
    readonly code: (typeof CHAIN_ERR)[keyof typeof CHAIN_ERR],
    readonly resource: ChainResource,
    message: string,
  ) {
    super(message);
  }
}

export const chainUnavailable = (resource: ChainResource, message: string) => new ChainError(CHAIN_ERR.UNAVAILABLE, resource, message);
