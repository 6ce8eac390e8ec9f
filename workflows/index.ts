// Everything the worker registers; the bundle for workflow code starts here.
export { batchWorkflow } from './batch.js';
export { shipmentWorkflow } from './shipment.js';
export { equipmentWorkflow } from './equipment.js';
export { retrainForecastsWorkflow } from './retrain.js';
