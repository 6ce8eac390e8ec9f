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
  /** The database refused the command's data for good (a data exception or a CHECK): recorded as a deviation, not retried. */
  UNPROCESSABLE: 'ERR_UNPROCESSABLE',
} as const;
export type ErrorType = (typeof ERR)[keyof typeof ERR];

/**
 * Codes of device registration, refused at the HTTP edge (no workflow is involved), so they are
 * not ErrorTypes and need no status in the workflow error mapping.
 */
export const DEVICE_ERR = {
  /** A device publishes only through the gateway it is registered to; another one is refused. */
  GATEWAY_MISMATCH: 'ERR_GATEWAY_MISMATCH',
  /** The kind is a fact of the hardware: registering the device again under another is refused. */
  KIND_MISMATCH: 'ERR_DEVICE_KIND_MISMATCH',
  /** A device measures one shipment or piece of equipment at a time. */
  BINDING_OVERLAP: 'ERR_BINDING_OVERLAP',
  /** The shipment or equipment to bind to does not exist. */
  UNKNOWN_TARGET: 'ERR_UNKNOWN_BINDING_TARGET',
} as const;
