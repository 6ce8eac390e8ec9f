/** The error types raised as ApplicationFailure.type by workflows and activities; the API maps them to HTTP. */
export const ERR = {
  VALIDATION: 'ERR_VALIDATION',
  COI_MISMATCH: 'ERR_COI_MISMATCH',
  DIN_MISMATCH: 'ERR_DIN_MISMATCH',
  INVALID_DIN: 'ERR_INVALID_DIN',
  OUT_OF_TURN: 'ERR_OUT_OF_TURN',
  ON_HOLD: 'ERR_ON_HOLD',
  SLOT_TAKEN: 'ERR_SLOT_TAKEN',
  BOOKING_OUTSIDE_WINDOW: 'ERR_BOOKING_OUTSIDE_WINDOW',
  NOT_ALLOWED: 'ERR_NOT_ALLOWED',
  UNKNOWN_ISSUE: 'ERR_UNKNOWN_ISSUE',
  ENDED: 'ERR_ENDED',
} as const;
export type ErrorType = (typeof ERR)[keyof typeof ERR];
